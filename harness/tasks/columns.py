"""Column handling every sequence-level task type shares: the spec's columns taken out of a raw
split under their canonical names, and the texts checked row by row."""

from __future__ import annotations

from harness.data.load import PAIR, TEXT, DataError, column_values


def text_columns(spec) -> list[tuple[str, str, str]]:
    """(raw column, canonical name, spec field) of the text and, when given, the pair."""
    wanted = [(spec.text_column, TEXT, "text_column")]
    if spec.text_pair_column:
        wanted.append((spec.text_pair_column, PAIR, "text_pair_column"))
    return wanted


def take_columns(ds, split: str, wanted: list[tuple[str, str, str]]):
    """The split with exactly the wanted columns, renamed to their canonical names."""
    for column, _, fld in wanted:
        if column not in ds.column_names:
            raise DataError(f"column {column!r} not in split {split} (columns: "
                            f"{', '.join(ds.column_names)})", field=fld)
    sources = [c for c, _, _ in wanted]
    repeated = sorted({c for c in sources if sources.count(c) > 1})
    if repeated:
        fields = [f for c, _, f in wanted if c == repeated[0]]
        raise DataError(f"column {repeated[0]!r} is named by both {' and '.join(fields)}",
                        field=fields[-1])
    ds = ds.select_columns(sources)
    return ds.rename_columns({c: new for c, new, _ in wanted if c != new})


def check_texts(ds, split: str, columns: tuple[tuple[str, str], ...] = ((TEXT, "text_column"),
                                                                        (PAIR, "text_pair_column"))):
    """Every row's text is a non-empty string (DataError naming split, row and field)."""
    for column, fld in columns:
        if column not in ds.column_names:
            continue
        texts = column_values(ds, column)
        bad = next((i for i, t in enumerate(texts) if not isinstance(t, str) or not t.strip()), None)
        if bad is not None:
            raise DataError(f"split {split} row {bad + 1}: empty or non-text value in {column!r}",
                            field=fld, row=bad)
