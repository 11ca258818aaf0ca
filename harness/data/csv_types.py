"""csv/tsv cells as the user wrote them.

pandas (under datasets' csv builder) turns `NA`, `N/A`, `None`, `null`, `nan`, `-nan`, `#N/A`,
`<NA>` ... into missing values, `True`/`TRUE`/`true` into booleans and `1e3` into 1000.0 (a
label named NA became "empty or NaN label", a label true became "True"). Here every cell is read
as text; only an empty cell is missing. A column is then given a numeric type only when every
cell that is not empty is written as an integer (`-3`, `007`) or a plain decimal number
(`0.5`, `1e-3`): integer label ids keep working, a label column of words stays words.
"""

from __future__ import annotations

AS_WRITTEN = {"keep_default_na": False, "na_values": [""]}  # only an empty cell is missing
_INT = r"^\s*[-+]?[0-9]+\s*$"
_FLOAT = r"^\s*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\s*$"


def text_features(header: list[str]):
    """datasets Features reading every column of `header` as text (a cell without a name is
    named as pandas names it, `Unnamed: <index>`: a csv written with its index column)."""
    import datasets

    names = [c if c else f"Unnamed: {i}" for i, c in enumerate(header)]
    return datasets.Features({c: datasets.Value("string") for c in names})


def with_number_columns(ds):
    """`ds` (all columns text) with each column whose non-empty cells are all integers (int64)
    or all plain decimal numbers (float64) cast to that type; the rest stays text."""
    import datasets
    import pyarrow as pa
    import pyarrow.compute as pc

    table = ds.data
    changed = False
    for i, name in enumerate(table.column_names):
        column = table.column(name)
        if not pa.types.is_string(column.type) or column.null_count == len(column):
            continue
        for pattern, kind in ((_INT, pa.int64()), (_FLOAT, pa.float64())):
            if pc.all(pc.match_substring_regex(column, pattern)).as_py():
                try:
                    numbers = pc.cast(pc.utf8_trim_whitespace(column), kind)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # e.g. beyond int64
                    continue
                table = table.set_column(i, pa.field(name, kind), numbers)
                changed = True
                break
    if not changed:
        return ds
    features = datasets.Features.from_arrow_schema(table.schema)
    return datasets.Dataset(table, info=datasets.DatasetInfo(features=features), split=ds.split)
