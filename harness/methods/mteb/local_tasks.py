"""Local MTEB task files -> a DatasetDict with mteb's column names, checked row by row.

Imports `datasets` only (no torch, no mteb), so `harness validate` runs the same code as a trial.
Columns after loading, per type: classification `text`, `label`; pair_classification `sentence1`,
`sentence2`, `labels` (0/1); sts `sentence1`, `sentence2`, `score`; clustering `sentences`, `labels`.
retrieval and reranking: corpus, queries and judgements per split (retrieval_data.py).
"""

from __future__ import annotations

import math

from harness.data.load import DataError, column_values, read_table, rows_as_lines
from harness.methods.mteb.retrieval_data import load_reranking, load_retrieval

_COLUMNS = {  # type -> [(suite field, mteb column)]
    "classification": [("text_column", "text"), ("label_column", "label")],
    "pair_classification": [("text_column", "sentence1"), ("text_pair_column", "sentence2"),
                            ("label_column", "labels")],
    "sts": [("text_column", "sentence1"), ("text_pair_column", "sentence2"),
            ("label_column", "score")],
    "clustering": [("text_column", "sentences"), ("label_column", "labels")],
}


def local_task_rows(task) -> dict[str, int]:
    """What validate prints about a local task's files (loads and checks them all)."""
    loaded = load_local_task(task)
    if task.type in ("retrieval", "reranking"):
        return loaded.rows
    return {split: len(ds) for split, ds in loaded.items()}


def load_local_task(task):
    """DatasetDict of the task's splits with mteb's columns (retrieval, reranking: a
    RetrievalData); DataError(field=...) on bad input."""
    import datasets

    if task.type == "retrieval":
        return load_retrieval(task)
    if task.type == "reranking":
        return load_reranking(task)
    out = {}
    for split, path in task.files.items():  # the suite datasets' reader (data.load.read_table)
        ds = read_table(path, task.file_format(split), f"files.{split}", f"split {split}")
        with rows_as_lines(task, split):  # a row error names the file's line too
            out[split] = _canonical(task, split, ds)
    return datasets.DatasetDict(out)


def _canonical(task, split: str, ds):
    wanted = [(getattr(task, fld), col, fld) for fld, col in _COLUMNS[task.type]]
    for column, _, fld in wanted:
        if column not in ds.column_names:
            raise DataError(f"column {column!r} not in split {split} (columns: "
                            f"{', '.join(ds.column_names)})", field=fld)
    if len(ds) == 0:
        raise DataError(f"split {split} has no rows", field=f"files.{split}")
    ds = ds.select_columns([c for c, _, _ in wanted])
    ds = ds.rename_columns({c: new for c, new, _ in wanted if c != new})
    for _, col, fld in wanted[:-1]:
        bad = next((i for i, t in enumerate(column_values(ds, col))
                    if not isinstance(t, str) or not t.strip()), None)
        if bad is not None:
            raise DataError(f"split {split} row {bad + 1}: empty or non-text value", field=fld,
                            row=bad)
    target = wanted[-1][1]
    values = column_values(ds, target)  # one Arrow read (a lazy Column formats row by row)
    if task.type == "sts":
        bad = next((i for i, v in enumerate(values) if not _number(v)), None)
        if bad is not None:
            raise DataError(f"split {split} row {bad + 1}: score {values[bad]!r} is not a number",
                            field="label_column", row=bad)
        return ds.remove_columns(target).add_column(target, [float(v) for v in values])
    bad = next((i for i, v in enumerate(values) if v is None or str(v).strip() == ""), None)
    if bad is not None:
        raise DataError(f"split {split} row {bad + 1}: empty label", field="label_column", row=bad)
    if task.type == "pair_classification":
        if task.positive_label is not None:
            ids = [1 if str(v) == task.positive_label else 0 for v in values]
        else:
            if not all(str(v) in ("0", "1", "0.0", "1.0") for v in values):
                raise DataError(f"split {split}: pair labels must be 0/1 (found "
                                f"{sorted({str(v) for v in values})[:4]}); or set positive_label",
                                field="label_column")
            ids = [int(float(v)) for v in values]
        return ds.remove_columns(target).add_column(target, ids)
    names = sorted({str(v) for v in values})  # ids by sorted name: mteb's scores do not depend on it
    return ds.remove_columns(target).add_column(target, [names.index(str(v)) for v in values])


def _number(v) -> bool:
    try:
        return v is not None and not isinstance(v, bool) and math.isfinite(float(v))
    except (TypeError, ValueError):
        return False
