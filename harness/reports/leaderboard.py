"""The leaderboard: rows dataset × model × method (× scheduler when it varies), the suite's
metrics on the test split as mean ± 95 % t-interval over seeds with n.

Per dataset and column the best mean is bold and every entry whose interval overlaps the best's
is marked too (italic): the data cannot tell those apart. Failed or diverged seeds are never
zeros and never averaged in: the row counts them and says why; a row with no ok seed shows
"failed" in every metric. Each dataset's majority baseline sorts last.
"""

from __future__ import annotations

import math

from harness.reports.context import Group, ReportContext
from harness.reports.stats import Interval, t_interval
from harness.reports.table import DASH, Cell, Table, fmt_interval, interval_data


def ranked_groups(ctx: ReportContext) -> list[Group]:
    """Groups in leaderboard order: datasets as first seen; within one, main metric mean
    descending, rows without an ok seed after those, the baseline last."""
    groups = ctx.groups()
    datasets = list(dict.fromkeys(g.dataset for g in groups))

    def order(g: Group):
        mean = t_interval(g.values(ctx.main)).mean
        return (datasets.index(g.dataset), g.baseline, math.isnan(mean), -mean if not math.isnan(mean) else 0)

    return sorted(groups, key=order)


def leaderboard_table(ctx: ReportContext, scale: float = 1.0,
                      top2_notes: list[str] | None = None) -> Table:
    groups = ranked_groups(ctx)
    digits = 2 if scale >= 10 else 4
    with_scheduler = ctx.scheduler_varies()
    any_failed = any(g.bad for g in groups)
    columns = ["dataset", "model", "method"] + (["scheduler"] if with_scheduler else []) + ["n"]
    columns += [f"{m} ×{scale:g}" if scale != 1 else m for m in ctx.metrics]
    columns += ["failed"] if any_failed else []
    intervals = {(id(g), m): _scaled(t_interval(g.values(m)), scale) for g in groups for m in ctx.metrics}
    best = _best(groups, ctx.metrics, intervals)
    table = Table("leaderboard", f"{ctx.suite_name}: leaderboard (test split, mean ± 95 % CI over seeds)",
                  columns)
    for g in groups:
        row = [Cell(g.dataset), Cell(g.model), Cell(g.method)]
        row += [Cell(g.scheduler)] if with_scheduler else []
        row.append(Cell(f"{len(g.ok)}/{len(g.ok) + len(g.bad)}" if g.bad else str(len(g.ok)), len(g.ok)))
        data = {"dataset": g.dataset, "model": g.model, "method": g.method, "scheduler": g.scheduler,
                "n": len(g.ok), "failed": len(g.bad)}
        for m in ctx.metrics:
            iv = intervals[(id(g), m)]
            data.update(interval_data(m, iv))
            if not g.ok:
                row.append(Cell("failed", None, "failed"))
                continue
            mark = best.get((g.dataset, m))
            cell = Cell(fmt_interval(iv, digits), None if math.isnan(iv.mean) else iv.mean)
            if mark is not None and iv.n and not math.isnan(iv.mean):
                if iv.mean == mark.mean:
                    cell.mark = "best"
                elif iv.overlaps(mark):
                    cell.mark = "overlap"
            row.append(cell)
        if any_failed:
            row.append(Cell("; ".join(g.failures()) if g.bad else ""))
        data["failures"] = g.failures()
        data["status"] = "failed" if not g.ok else "ok"
        table.rows.append(row)
        table.data.append(data)
    table.notes.append("Bold: the best mean per dataset and column; italic: its 95 % t-interval "
                       "overlaps the best's (not distinguishable over these seeds). "
                       f"{DASH}: not measured; n: ok seeds (of all run).")
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
