"""The tables methods contribute (harness.methods.base.MethodTable), after the shared ones, in
registry order: the mteb table, say, and its detail views (worst retrieval queries). Each gets
its method's records of the latest plan."""

from __future__ import annotations

from harness.methods.base import MethodTable
from harness.methods.registry import METHODS
from harness.reports.context import ReportContext
from harness.reports.table import DASH, Cell, Table, fmt_number


def method_tables(ctx: ReportContext) -> list[Table]:
    out = []
    for method in METHODS.values():
        records = [r for r in ctx.all_records if r.method == method.name]
        if records:
            out += [as_table(t) for t in method.report_tables(records)]
            out += [as_table(t) for t in method.report_details(records, ctx.store.root)]
    return out


def as_table(table: MethodTable) -> Table:
    """A str as text, an int as a count, a float as a number (4 digits), None as —."""
    out = Table(table.key, table.title, list(table.columns), notes=list(table.notes),
                detail=table.detail)
    for row in table.rows:
        out.data.append(dict(row))
        out.rows.append([_cell(row.get(column)) for column in table.columns])
    return out


def _cell(value) -> Cell:
    if value is None:
        return Cell(DASH, None)
    if isinstance(value, str):
        return Cell(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return Cell(str(value), value)
    return Cell(fmt_number(value), value)
