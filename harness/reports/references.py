"""Published reference rows (`references:` in the suite, harness.specs.reference) as report rows:
italic, marked "published (source)", never ranked, bold or tested."""

from __future__ import annotations

from harness.reports.table import DASH, Cell
from harness.specs.reference import ReferenceSpec

PUBLISHED = "published"  # the method cell and the mark (italic) of a reference row


def references(ctx) -> list[ReferenceSpec]:
    """The resolved suite's references (none without a resolved suite)."""
    return [ReferenceSpec.model_validate(r) for r in (ctx.suite or {}).get("references") or []]


def reference_cell(ref: ReferenceSpec, dataset: str, metric: str, scale: float, digits: int) -> Cell:
    value = ref.scores.get(dataset, {}).get(metric)
    if value is None:
        return Cell(DASH)
    return Cell(f"{value * scale:.{digits}f}", None, PUBLISHED)


def split_note(ctx) -> list[str]:
    """Where a reference's figures come from another split than the table's (test), say so."""
    out = []
    for ref in references(ctx):
        where = f" ({ref.url})" if ref.url else ""
        split = {"validation": "the validation (dev) split", "test": "the test split"}.get(
            ref.split, "an unstated split")
        extra = "" if ref.split == "test" else "; this table's rows are test-split scores"
        out.append(f"{PUBLISHED}: {ref.label} — {ref.source}{where}, measured on {split}{extra}"
                   + (f"; {ref.note}" if ref.note else "") + ".")
    return out
