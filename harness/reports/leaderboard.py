"""The leaderboard: rows dataset × model × method (× scheduler when it varies), the suite's
metrics on the test split as mean ± 95 % t-interval over seeds with n. Where a grid or search ran
several configurations of a row, the row is the one selected on validation (selection.py) and
the `selected` column names its values.

Per dataset and column the best mean is bold and every entry whose interval overlaps the best's
is marked too (italic): the data cannot tell those apart. A row that learned nothing beyond the
majority class (learned.py) reads "≈ majority" and is never bold or italic; neither is the
majority baseline. Failed or diverged seeds are never zeros and never averaged in: the row counts
them and says why; a row with no ok seed shows "failed" in every metric. Each dataset's majority
baseline sorts last.
"""

from __future__ import annotations

import math

from harness.reports.context import Group, ReportContext
from harness.reports.groups import MAJORITY_MARK
from harness.reports.rule import RULE
from harness.reports.stats import Interval, t_interval
from harness.reports.table import (
    DASH,
    LEARNED_NOTHING,
    PAST_RANGE_NOTE,
    Cell,
    Table,
    fmt_interval,
    interval_data,
    metric_bounds,
)


def ranked_groups(ctx: ReportContext) -> list[Group]:
    """Groups in leaderboard order: datasets as first seen; within one, main metric mean
    descending, rows without an ok seed after those, the baseline last."""
    groups = ctx.groups()
    datasets = list(dict.fromkeys(g.dataset for g in groups))

    def order(g: Group):
        mean = t_interval(g.values(ctx.main)).mean
        return (datasets.index(g.dataset), g.baseline, math.isnan(mean), -mean if not math.isnan(mean) else 0)

    return sorted(groups, key=order)


def method_text(g: Group) -> str:
    """The method cell: the method, and "≈ majority" when the row learned nothing."""
    return f"{g.method} {g.marker}" if g.marker else g.method


def leaderboard_table(ctx: ReportContext, scale: float = 1.0,
                      top2_notes: list[str] | None = None) -> Table | None:
    groups = ranked_groups(ctx)
    if not groups:
        return None
    digits = 2 if scale >= 10 else 4
    with_scheduler = ctx.scheduler_varies()
    searched = ctx.searched()
    any_failed = any(g.bad or g.note for g in groups)
    columns = ["dataset", "model", "method"] + (["scheduler"] if with_scheduler else [])
    columns += ["selected"] if searched else []
    columns += ["n"] + [f"{m} ×{scale:g}" if scale != 1 else m for m in ctx.metrics]
    columns += ["failed"] if any_failed else []
    intervals = {(id(g), m): _scaled(t_interval(g.values(m)), scale) for g in groups for m in ctx.metrics}
    best = _best([g for g in groups if not g.baseline and not g.marker], ctx.metrics, intervals)
    title = f"{ctx.suite_name}: leaderboard (test split, mean ± 95 % CI over seeds"
    title += f"; configurations selected on validation {ctx.selection_metric})" if searched else ")"
    table = Table("leaderboard", title, columns)
    past_range = False
    for g in groups:
        row = [Cell(g.dataset), Cell(g.model), Cell(method_text(g))]
        row += [Cell(g.scheduler)] if with_scheduler else []
        row += [Cell(g.values_label or DASH)] if searched else []
        row.append(Cell(f"{len(g.ok)}/{len(g.ok) + len(g.bad)}" if g.bad else str(len(g.ok)), len(g.ok)))
        data = {"dataset": g.dataset, "model": g.model, "method": g.method, "scheduler": g.scheduler,
                "selected": g.values_label or None, "n": len(g.ok), "failed": len(g.bad),
                "learned_nothing": bool(g.marker), "learned_nothing_reason": g.marker_reason or None}
        for m in ctx.metrics:
            iv, bounds = intervals[(id(g), m)], metric_bounds(m, scale)
            data.update(interval_data(m, iv, bounds))
            if not g.ok:
                row.append(Cell("no selection" if g.note else "failed", None, "failed"))
                continue
            past_range = past_range or iv.passes(bounds)
            cell = Cell(fmt_interval(iv, digits, bounds=bounds),
                        None if math.isnan(iv.mean) else iv.mean)
            mark = best.get((g.dataset, m))
            if g.marker:
                cell.mark = LEARNED_NOTHING
            elif g.baseline:
                pass
            elif mark is not None and iv.n and not math.isnan(iv.mean):
                if iv.mean == mark.mean:
                    cell.mark = "best"
                elif iv.overlaps(mark):
                    cell.mark = "overlap"
            row.append(cell)
        if any_failed:
            row.append(Cell("; ".join(g.failures() + ([g.note] if g.note else []))))
        data["failures"] = g.failures() + ([g.note] if g.note else [])
        data["status"] = "failed" if not g.ok else "ok"
        table.rows.append(row)
        table.data.append(data)
    table.notes.append("Bold: the best mean per dataset and column; italic: its 95 % t-interval "
                       "overlaps the best's (not distinguishable over these seeds). "
                       f"{DASH}: not measured; n: ok seeds (of all run).")
    if any(g.marker for g in groups):
        table.notes.append(f"{MAJORITY_MARK}: not shown to learn more than the majority class "
                           "— not significantly above the dataset's majority baseline on the main "
                           f"metric, or its MCC interval over seeds includes 0 ({RULE}); never "
                           "bold, never named a winner.")
    if past_range:
        table.notes.append(PAST_RANGE_NOTE)
    table.notes += top2_notes or []
    return table


def _scaled(iv: Interval, scale: float) -> Interval:
    return Interval(iv.mean * scale, iv.low * scale, iv.high * scale, iv.n)


def _best(groups, metrics, intervals) -> dict:
    best: dict[tuple, Interval] = {}
    for g in groups:
        for m in metrics:
            iv = intervals[(id(g), m)]
            if iv.n and not math.isnan(iv.mean):
                current = best.get((g.dataset, m))
                if current is None or iv.mean > current.mean:
                    best[(g.dataset, m)] = iv
    return best
