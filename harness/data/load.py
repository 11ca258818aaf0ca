"""Reading a DatasetSpec's data as stored: local files per split (csv, tsv, json, jsonl, parquet)
or a hub dataset's config from the HF cache's snapshot of its commit, every problem a one-line
DataError naming the spec field.

What the rows mean (canonical columns, labels, scores, choices) is the dataset's task type's
business (harness.tasks); the canonical column names are defined here so every layer above
shares them. Imports `datasets` (no torch), so `harness validate` runs the same code as `run`.
"""

from __future__ import annotations

import logging
import math
from contextlib import contextmanager

from harness.data.csv_types import AS_WRITTEN, text_features, with_number_columns
from harness.data.lines import first_problem, row_line
from harness.errors import HarnessError
from harness.readable import NotRegularFile, regular_file
from harness.specs.dataset import DatasetSpec

TEXT, PAIR, LABEL = "text", "text_pair", "label"
CHOICES = "choices"  # multiple choice: the row's choices, a list of strings


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
    check_regular(path, field)
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


def check_regular(path: str, field: str) -> None:
    """A DataError naming `field` unless `path` is a regular file (a FIFO or a device would
    block or never end)."""
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


def label_key(value) -> str | None:
    """A label cell as the text the user wrote (1.0 -> '1'); None when empty or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def file_field(spec: DatasetSpec, split: str) -> str:
    """The spec field that names a split's data (for errors about the split as a whole)."""
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
