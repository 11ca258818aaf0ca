"""Scheduler comparison: per dataset × model × method, one column per lr_scheduler_type with the
main metric's mean ± 95 % CI over seeds, and each scheduler's difference to `linear` (the
transformers default) with a paired t-test across the seeds both ran. Only when schedulers vary."""

from __future__ import annotations

from harness.reports.context import ReportContext
from harness.reports.stats import paired_t, t_interval
from harness.reports.table import DASH, Cell, Table, fmt_interval, interval_data

REFERENCE = "linear"


def scheduler_table(ctx: ReportContext, scale: float = 1.0) -> Table | None:
    if not ctx.scheduler_varies():
        return None
    groups = [g for g in ctx.groups() if not g.baseline and g.scheduler != "-"]
    schedulers = list(dict.fromkeys(g.scheduler for g in groups))
    reference = REFERENCE if REFERENCE in schedulers else schedulers[0]
    others = [s for s in schedulers if s != reference]
    digits = 2 if scale >= 10 else 4
    main = ctx.main
    columns = ["dataset", "model", "method"] + [f"{s} ({main})" for s in schedulers]
    columns += [f"{s} − {reference}" for s in others]
    table = Table("schedulers", f"{ctx.suite_name}: {main} by lr scheduler (mean ± 95 % CI; "
                  f"difference to {reference}, paired t-test over seeds)", columns)
    rows: dict[tuple, dict] = {}
    for g in groups:
        rows.setdefault((g.dataset, g.model, g.method), {})[g.scheduler] = g
    for (dataset, model, method), by_s in rows.items():
        row = [Cell(dataset), Cell(model), Cell(method)]
        data = {"dataset": dataset, "model": model, "method": method, "reference": reference}
        for s in schedulers:
            g = by_s.get(s)
            iv = t_interval([v * scale for v in g.values(main)]) if g else None
            if g is None:
                row.append(Cell(DASH))
            elif not g.ok:
                row.append(Cell("failed", None, "failed"))
            else:
                row.append(Cell(fmt_interval(iv, digits, with_n=True), iv.mean))
            data.update(interval_data(s, iv) if iv else {s: None})
        ref = _by_seed(by_s.get(reference), main)
        for s in others:
            mine = _by_seed(by_s.get(s), main)
            seeds = sorted(set(ref) & set(mine))
            if not seeds:
                row.append(Cell(DASH))
                data[f"{s}_minus_{reference}"] = None
                continue
            test = paired_t([mine[k] * scale for k in seeds], [ref[k] * scale for k in seeds])
            p = "p n/a" if test.p != test.p else f"p={test.p:.3f}"
            row.append(Cell(f"{test.diff.mean:+.{digits}f} ({p}, {len(seeds)} seeds)", test.diff.mean))
            data.update(interval_data(f"{s}_minus_{reference}", test.diff))
            data[f"{s}_minus_{reference}_p"] = None if test.p != test.p else test.p
            data[f"{s}_minus_{reference}_seeds"] = len(seeds)
        table.rows.append(row)
        table.data.append(data)
    table.notes.append(f"Differences pair each seed with the same seed under {reference}; "
                       "p is the two-sided paired t-test (n/a with fewer than 2 pairs or identical "
                       "differences).")
    if reference != REFERENCE:
        table.notes.append(f"linear was not run: differences are to {reference}.")
    return table


def _by_seed(group, metric: str) -> dict:
    if group is None:
        return {}
    return {r.seed: v for r in group.ok if (v := r.metrics.get("test", {}).get(metric)) is not None}
