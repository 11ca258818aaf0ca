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
import os
from contextlib import contextmanager

from harness.errors import HarnessError
from harness.specs.dataset import DatasetSpec

TEXT, PAIR, LABEL = "text", "text_pair", "label"
CHOICES = "choices"  # multiple choice: the row's choices, a list of strings


def column_values(ds, name: str) -> list:
    """One column of a Dataset as a Python list. In datasets 5 `ds[name]` is a lazy `Column`
    whose iteration formats row by row (~60 µs a row: 4 s for CLINC's 15,000 labels); slicing it
    reads the Arrow column at once."""
    return ds[name][:]


class DataError(HarnessError):
    """A data problem; `field` is the DatasetSpec field at fault (the caller adds file and line)."""


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
    in messages ("split test"). text_columns: csv/tsv cells stay text (ids like 007 keep their
    zeros and match the same ids in other files)."""
    import datasets

    builder, kwargs = BUILDERS[fmt]
    if os.path.isdir(path):
        raise DataError(f"{path} is a directory, not a data file", field=field)
    if builder == "csv":
        header = _check_header(path, kwargs.get("delimiter", ","), field)
        if text_columns and header:
            kwargs = {**kwargs, "features": datasets.Features(
                {c: datasets.Value("string") for c in header})}
    try:
        with _quiet_loader_errors():  # we report the cause in one line instead
            return datasets.load_dataset(builder, data_files={"rows": path}, split="rows", **kwargs)
    except FileNotFoundError:
        raise DataError(f"file not found: {path}", field=field) from None
    except UnicodeDecodeError as e:
        raise DataError(f"{path} is not UTF-8 text (byte {e.start})", field=field) from None
    except Exception as e:  # pyarrow/pandas parse errors come in many classes
        if "corresponds to no data" in str(e):  # datasets' words for a header-only file
            raise DataError(f"{what} has no rows ({path})", field=field) from None
        cause = _root_cause(e)
        if isinstance(cause, UnicodeDecodeError):
            raise DataError(f"{path} is not UTF-8 text ({cause.reason}: byte "
                            f"0x{cause.object[cause.start]:02x}); save it as UTF-8",
                            field=field) from None
        if type(cause).__name__ == "EmptyDataError":
            raise DataError(f"{path} is empty (no header, no rows)", field=field) from None
        raise DataError(f"cannot read {path} as {fmt}: {first_line(cause)}", field=field) from None


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
