"""DatasetSpec -> DatasetDict(train, [validation], test) with canonical columns.

Columns after preparation: `text`, optional `text_pair`, `label` (a ClassLabel whose names are
the user's `label_names`, in the user's order). Splits that are missing are carved out of train
with a seeded stratified split; `max_train_samples` is a seeded stratified subsample.
Imports `datasets` (no torch), so `harness validate` can run the same code as `harness run`.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

from harness.data.coverage import check_coverage
from harness.data.csv_types import AS_WRITTEN, text_features, with_number_columns
from harness.data.lines import first_problem, row_line
from harness.data.split import stratified_split
from harness.errors import HarnessError
from harness.readable import NotRegularFile, regular_file
from harness.specs.dataset import DatasetSpec

TEXT, PAIR, LABEL = "text", "text_pair", "label"


def column_values(ds, name: str) -> list:
    """One column of a Dataset as a Python list. In datasets 5 `ds[name]` is a lazy `Column`
    whose iteration formats row by row (~60 µs a row: 4 s for CLINC's 15,000 labels); slicing it
    reads the Arrow column at once."""
    return ds[name][:]


class DataError(HarnessError):
    """A data problem; `field` is the DatasetSpec field at fault (the caller adds file and line).
    `row`: the 0-based row of the split it is about, which `prepare` turns into the file's line
    (harness.data.lines)."""

    def __init__(self, message: str, *, row: int | None = None, **where):
        super().__init__(message, **where)
        self.row = row


@dataclass
class PreparedData:
    splits: object  # datasets.DatasetDict
    label_names: list[str]
    positive_label_id: int | None
    facts: dict = field(default_factory=dict)

    @property
    def num_labels(self) -> int:
        return len(self.label_names)


BUILDERS = {"csv": ("csv", {}), "tsv": ("csv", {"delimiter": "\t"}), "json": ("json", {}),
             "jsonl": ("json", {}), "parquet": ("parquet", {})}


def load_raw(spec: DatasetSpec):
    """The dataset as stored: a DatasetDict keyed by harness split names."""
    import datasets

    if spec.files is not None:
        out = {}
        for split, path in spec.files.items():
            out[split] = read_table(path, spec.file_format(split), f"files.{split}", f"split {split}")
        return datasets.DatasetDict(out)
    hub = spec.hub
    loaded = _load_hub(datasets, hub)
    mapping = hub.splits or {s: s for s in ("train", "validation", "test") if s in loaded}
    missing = [v for v in mapping.values() if v not in loaded]
    if missing or "train" not in mapping:
        raise DataError(f"hub dataset {hub.id} has splits {sorted(loaded)}; "
                        f"need train (map others with hub.splits)", field="hub.splits")
    return datasets.DatasetDict({ours: loaded[theirs] for ours, theirs in mapping.items()})


def read_table(path: str, fmt: str, field: str, what: str, text_columns: bool = False):
    """One data file as a Dataset, every problem a one-line DataError(field=...); `what` names it
    in messages ("split test"). Only a regular file is read (a FIFO or a device would never
    end). csv/tsv cells are read as written (harness.data.csv_types: only an empty cell is
    missing; no `NA`, `null` or `True` reinterpreted); text_columns: every csv/tsv column stays
    text (ids like 007 keep their zeros and match the same ids in other files), else columns of
    integers or decimal numbers become numbers. A problem inside the file names its line as an
    editor counts it (harness.data.lines)."""
    import datasets

    builder, kwargs = BUILDERS[fmt]
    _check_regular(path, field)
    if builder == "csv":
        header = _check_header(path, kwargs.get("delimiter", ","), field)
        kwargs = {**kwargs, **AS_WRITTEN}
        if header:
            kwargs["features"] = text_features(header)
    try:
        with _quiet_loader_errors():  # we report the cause in one line instead
            ds = datasets.load_dataset(builder, data_files={"rows": path}, split="rows", **kwargs)
    except FileNotFoundError:
        raise DataError(f"file not found: {path}", field=field) from None
    except Exception as e:  # pyarrow/pandas parse errors come in many classes
        raise _read_error(path, fmt, field, what, e) from None
    if builder == "json":  # pyarrow's JSON reader takes bytes that are not UTF-8 into strings
        try:
            ds.data.table.validate(full=True)
        except Exception as e:  # pyarrow.ArrowInvalid: Invalid UTF8 sequence
            raise _read_error(path, fmt, field, what, e) from None
    return ds if builder != "csv" or text_columns else with_number_columns(ds)


def _check_regular(path: str, field: str) -> None:
    try:
        regular_file(path)
    except FileNotFoundError:
        raise DataError(f"file not found: {path}", field=field) from None
    except NotRegularFile as e:
        raise DataError(f"{path} is {e.kind}, not a data file", field=field) from None
    except OSError as e:
        raise DataError(f"cannot read {path}: {e.strerror}", field=field) from None


def _read_error(path: str, fmt: str, field: str, what: str, e: Exception) -> DataError:
    """The one line for a file datasets could not read: its first bad line when Python finds it
    (datasets' row numbers are not the file's lines), else the library's reason."""
    if "corresponds to no data" in str(e):  # datasets' words for a header-only file
        return DataError(f"{what} has no rows ({path})", field=field)
    cause = _root_cause(e)
    if type(cause).__name__ == "EmptyDataError" or _blank(path):
        return DataError(f"{path} is empty (no header, no rows)", field=field)
    try:
        problem = first_problem(path, fmt)
    except OSError as err:
        problem = f"cannot read: {err.strerror}"
    if problem and problem.startswith("not UTF-8"):
        return DataError(f"{path} is {problem}", field=field)
    if problem:
        return DataError(f"cannot read {path} as {fmt}: {problem}", field=field)
    return DataError(f"cannot read {path} as {fmt}: {_without_row(first_line(cause))}", field=field)


def _blank(path: str) -> bool:
    """Nothing but a BOM and whitespace (pyarrow says StopIteration or 'Empty JSON file')."""
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 16)
    except OSError:
        return False
    return len(head) < (1 << 16) and not head.removeprefix(b"\xef\xbb\xbf").strip()


def _without_row(message: str) -> str:
    """pyarrow's ' in row N' counts rows within a block, not the file's lines: dropped."""
    import re

    return re.sub(r"\.? in row \d+$", "", message)


def _load_hub(datasets, hub):
    """The config of a hub dataset from the HF cache's snapshot folder of its commit (downloaded
    there first when missing): the same files and the same route online and offline, which
    `load_dataset(id)` is not (offline it reuses only datasets' own cache, not the hub cache)."""
    from harness.hub import HubError, dataset_snapshot

    try:
        folder = dataset_snapshot(hub.id, hub.revision, (hub.config,)).folder
    except HubError as e:
        field = e.field if (e.field or "").startswith("hub.") else f"hub.{e.field or 'id'}"
        raise DataError(e.message, field=field) from None
    try:
        with _quiet_loader_errors():
            return datasets.load_dataset(str(folder), hub.config)
    except Exception as e:
        message = first_line(e)
        field = "hub.config" if "BuilderConfig" in message or "config" in message.lower() \
            else "hub.id"
        raise DataError(f"cannot load hub dataset {hub.id}: {message}", field=field) from None


def prepare(spec: DatasetSpec, raw=None) -> PreparedData:
    import datasets

    raw = raw if raw is not None else load_raw(spec)
    label_names = _label_names(spec, raw)
    splits = {}
    for split, ds in raw.items():
        with rows_as_lines(spec, split):  # a row error names the file's line too
            splits[split] = _canonical(spec, split, ds, label_names)
    for split, ds in splits.items():
        if len(ds) == 0:
            raise DataError(f"split {split} has no rows", field=_file_field(spec, split))
    dsd = datasets.DatasetDict(splits)
    dsd = _carve_missing_splits(spec, dsd, len(label_names))
    if spec.max_train_samples and spec.max_train_samples < len(dsd["train"]):
        dsd["train"] = _stratified_take(dsd["train"], spec.max_train_samples, spec.split_seed,
                                        "max_train_samples")
    if spec.max_test_samples and spec.max_test_samples < len(dsd["test"]):
        dsd["test"] = _stratified_take(dsd["test"], spec.max_test_samples, spec.split_seed,
                                       "max_test_samples")
    positive = positive_label_id(spec, label_names)
    facts = {split: {"rows": len(ds), "label_counts": _counts(ds, label_names)}
             for split, ds in dsd.items()}
    check_coverage(facts, label_names, DataError)  # a test label with no train row
    return PreparedData(dsd, label_names, positive, facts)


_PREPARED: dict[str, PreparedData] = {}


def prepare_once(spec: DatasetSpec) -> PreparedData:
    """prepare(spec), shared by `validate` and the trials of one process: `harness run` checks
    the data before training and then reuses what the check prepared. Keyed by the spec and
    the content digest of its files, so an edited file is prepared again."""
    import json

    from harness.fingerprint import data_fingerprint

    try:
        key = json.dumps([spec.model_dump(mode="json"), data_fingerprint(spec)], sort_keys=True)
    except OSError:  # a missing or unreadable file: prepare() says which, with its field
        return prepare(spec)
    if key not in _PREPARED:
        _PREPARED[key] = prepare(spec)
    return _PREPARED[key]


def positive_label_id(spec: DatasetSpec, label_names: list[str]) -> int | None:
    """The positive class of a binary task: `positive_label`, else the second name; None otherwise."""
    if len(label_names) != 2:
        return None
    return label_names.index(spec.positive_label) if spec.positive_label else 1


def _label_names(spec: DatasetSpec, raw) -> list[str]:
    import datasets

    train = raw["train"]
    if spec.label_column not in train.column_names:
        raise DataError(f"column {spec.label_column!r} not in train (columns: "
                        f"{', '.join(train.column_names)})", field="label_column")
    feature = train.features[spec.label_column]
    if isinstance(feature, datasets.ClassLabel):
        if spec.label_names and list(feature.names) != spec.label_names:
            raise DataError(f"the data's ClassLabel names {feature.names} differ from label_names",
                            field="label_names")
        return list(feature.names)
    if spec.label_names:
        return list(spec.label_names)
    values = {v for split in raw.values() if spec.label_column in split.column_names
              for v in column_values(split, spec.label_column) if _label_key(v) is not None}
    if any(isinstance(v, float) and not float(v).is_integer() for v in values):
        raise DataError("label column holds non-integer numbers (regression is not a "
                        "classification task)", field="label_column")
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return [str(v) for v in sorted(int(v) for v in values)]
    sample = ", ".join(sorted(map(str, values))[:5])
    raise DataError(f"string labels need label_names in your order (found: {sample})",
                    field="label_names")


def _canonical(spec: DatasetSpec, split: str, ds, label_names: list[str]):
    import datasets

    wanted = [(spec.text_column, TEXT, "text_column"), (spec.label_column, LABEL, "label_column")]
    if spec.text_pair_column:
        wanted.insert(1, (spec.text_pair_column, PAIR, "text_pair_column"))
    for column, _, fld in wanted:
        if column not in ds.column_names:
            raise DataError(f"column {column!r} not in split {split} (columns: "
                            f"{', '.join(ds.column_names)})", field=fld)
    ds = ds.select_columns([c for c, _, _ in wanted])
    ds = ds.rename_columns({c: new for c, new, _ in wanted if c != new})
    feature = ds.features[LABEL]
    index = {name: i for i, name in enumerate(label_names)}
    if not isinstance(feature, datasets.ClassLabel):
        # Integer labels with label_names given are ids (0 = first name); strings are names.
        as_ids = bool(spec.label_names) and str(getattr(feature, "dtype", "")).startswith("int")
        ids = []
        for row, value in enumerate(column_values(ds, LABEL)):
            key = _label_key(value)
            if key is None:
                raise DataError(f"split {split} row {row + 1}: empty or NaN label",
                                field="label_column", row=row)
            if as_ids:
                if not 0 <= int(value) < len(label_names):
                    raise DataError(f"split {split} row {row + 1}: label id {value} is outside "
                                    f"0..{len(label_names) - 1} (label_names has "
                                    f"{len(label_names)} names)", field="label_names", row=row)
                ids.append(int(value))
                continue
            if key not in index:
                raise DataError(f"split {split} row {row + 1}: label {key!r} is not one of "
                                f"label_names {label_names}", field="label_names", row=row)
            ids.append(index[key])
        ds = ds.remove_columns(LABEL).add_column(LABEL, ids)
    for column in (TEXT, PAIR):
        if column in ds.column_names:
            texts = column_values(ds, column)
            bad = next((i for i, t in enumerate(texts) if not isinstance(t, str) or not t.strip()), None)
            if bad is not None:
                raise DataError(f"split {split} row {bad + 1}: empty or non-text value in "
                                f"{column!r}", field="text_column" if column == TEXT else "text_pair_column",
                                row=bad)
    return ds.cast_column(LABEL, datasets.ClassLabel(names=label_names))


@contextmanager
def rows_as_lines(spec, split: str):
    """A DataError about row N of a local csv, tsv or jsonl file also names the line the row
    starts on (`at FILE:LINE`), as an editor counts lines (quoted newlines, blank lines).
    `spec`: anything with `files` and `file_format(split)` (a DatasetSpec, a local MTEB task)."""
    try:
        yield
    except DataError as e:
        path = (spec.files or {}).get(split)
        line = row_line(path, spec.file_format(split), e.row) \
            if path is not None and e.row is not None else None
        if line is None:
            raise
        raise DataError(f"{e.message} (at {path}:{line})", field=e.field, row=e.row) from None


def _label_key(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _carve_missing_splits(spec: DatasetSpec, dsd, num_labels: int):
    if "test" not in dsd:
        _check_stratifiable(dsd["train"], spec.test_size, num_labels, "test_size")
        dsd["train"], dsd["test"] = stratified_split(dsd["train"], LABEL, spec.split_seed,
                                                     test_size=spec.test_size)
    if "validation" not in dsd and spec.validation_size > 0:
        share = spec.validation_size / (1 - spec.test_size) if "test" not in (spec.files or {}) \
            else spec.validation_size
        _check_stratifiable(dsd["train"], share, num_labels, "validation_size")
        dsd["train"], dsd["validation"] = stratified_split(dsd["train"], LABEL, spec.split_seed,
                                                           test_size=share)
    return dsd


def _check_stratifiable(ds, share: float, num_labels: int, fld: str) -> None:
    counts = Counter(column_values(ds, LABEL))
    n_test = math.ceil(share * len(ds))
    rare = [k for k, c in counts.items() if c < 2]
    if rare or n_test < len(counts) or len(ds) - n_test < len(counts):
        raise DataError(f"train ({len(ds)} rows, {len(counts)} labels"
                        + (f", {len(rare)} with a single row" if rare else "")
                        + f") is too small to stratify a {share:.0%} split", field=fld)


def _stratified_take(ds, n: int, seed: int, fld: str):
    counts = Counter(column_values(ds, LABEL))
    if n < len(counts):
        raise DataError(f"{n} rows cannot hold all {len(counts)} labels", field=fld)
    if any(c < 2 for c in counts.values()):
        return ds.shuffle(seed=seed).select(range(n))
    return stratified_split(ds, LABEL, seed, train_size=n)[0]


def _counts(ds, label_names: list[str]) -> dict[str, int]:
    counts = Counter(column_values(ds, LABEL))
    return {name: counts.get(i, 0) for i, name in enumerate(label_names)}


def _file_field(spec: DatasetSpec, split: str) -> str:
    return f"files.{split}" if spec.files else "hub.splits"


def first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return (text[0] if text else type(e).__name__)[:300]


def _check_header(path: str, delimiter: str, field: str) -> list[str]:
    """The csv header; pandas renames a repeated column to `name.1` and reads the first: say so
    instead."""
    import csv

    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f, delimiter=delimiter), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return []  # the load itself reports unreadable files
    if any("\x00" in c for c in header):  # pandas cuts a header name at a NUL byte
        raise DataError(f"{path}: the header line holds a NUL byte (0x00); is it a text file?",
                        field=field)
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise DataError(f"{path}: column {repeated[0]!r} appears {header.count(repeated[0])} times "
                        "in the header", field=field)
    return header


def _root_cause(e: BaseException) -> BaseException:
    """datasets wraps parse errors in DatasetGenerationError: the one it wraps says what is wrong."""
    while type(e).__name__ == "DatasetGenerationError" and (e.__cause__ or e.__context__):
        e = e.__cause__ or e.__context__
    return e


@contextmanager
def _quiet_loader_errors():
    """datasets logs 'Failed to read file ...' at ERROR level before raising; the harness says it
    once, in its own one-line error."""
    logger = logging.getLogger("datasets")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)
