"""Every label a model is scored on must be one it could learn.

A class named in label_names with test (or validation) rows but no train row cannot be
predicted by anything trained on train: every trial ran, and its scores for that class were
0 without a word (validate said valid, inspect said "no data warnings"). Such data is bad input.
"""

from __future__ import annotations

from harness.errors import HarnessError


def check_coverage(facts: dict, label_names: list[str], error=HarnessError) -> None:
    """Raise `error(message, field="label_names")` for the first label with evaluation rows
    but no train row; `facts`: {split: {"label_counts": {name: rows}}} as prepare() makes it."""
    train = facts.get("train", {}).get("label_counts", {})
    for split in ("test", "validation"):
        counts = facts.get(split, {}).get("label_counts", {})
        for name in label_names:
            if counts.get(name) and not train.get(name):
                raise error(f"label {name!r} has {counts[name]} {split} row(s) but no train row: "
                            "no trained model can predict it (add train rows, or leave it out "
                            f"of label_names and {split})", field="label_names")


def coverage_warnings(facts: dict, label_names: list[str]) -> list[str]:
    """Labels a report would score oddly: absent from test (its F1 is undefined, counted 0)."""
    test = facts.get("test", {}).get("label_counts", {})
    missing = [name for name in label_names if not test.get(name)]
    if not missing:
        return []
    return [f"label(s) {', '.join(map(repr, missing))} have no test rows: their per-class scores "
            "are undefined (macro averages count them as 0)"]
