"""The leaderboard: rows dataset × model × method (× scheduler when it varies), each dataset's
metrics on the test split as mean ± 95 % t-interval over seeds with n — one table per task type
(harness.tasks) where a suite mixes them, since each has its own metrics. Where a grid or search ran
several configurations of a row, the row is the one selected on validation (selection.py) and
the `selected` column names its values.

Per dataset and column the best mean (the lowest for an error such as MSE) is bold and every entry whose interval overlaps the best's
is marked too (italic): the data cannot tell those apart. A row that learned nothing beyond the
majority class (learned.py) reads "≈ majority" and is never bold or italic; neither is the
majority baseline. Failed or diverged seeds are never zeros and never averaged in: the row counts
them and says why; a row with no ok seed shows "failed" in every metric. Each dataset's majority
baseline sorts last.
"""

from __future__ import annotations

import math

from harness.methods.registry import is_baseline
from harness.reports.context import Group, ReportContext
from harness.reports.groups import MAJORITY_MARK
from harness.reports.references import PUBLISHED, reference_cell, references, split_note
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
    """Groups in leaderboard order: datasets as first seen; within one, best main metric mean
    first, rows without an ok seed after those, the baseline last."""
    groups = ctx.groups()
    datasets = list(dict.fromkeys(g.dataset for g in groups))

    def order(g: Group):
        main = ctx.main_for(g.dataset)
        mean = t_interval(g.values(main)).mean
        sign = -1 if ctx.scores[g.dataset].greater_is_better(main) else 1
        return (datasets.index(g.dataset), g.baseline, math.isnan(mean),
                sign * mean if not math.isnan(mean) else 0)

    return sorted(groups, key=order)


def method_text(g: Group) -> str:
    """The method cell: the method, and "≈ majority" when the row learned nothing."""
    return f"{g.method} {g.marker}" if g.marker else g.method


def leaderboard_tables(ctx: ReportContext, scale: float = 1.0,
                       top2_notes: list[str] | None = None) -> list[Table]:
    """One leaderboard per task type of the suite's datasets (the first keyed `leaderboard`,
    the others `leaderboard-<task type>`), in the order their datasets first appear."""
    groups = ranked_groups(ctx)
    tasks = list(dict.fromkeys(ctx.task_for(g.dataset).name for g in groups))
    tables = []
    for i, task in enumerate(tasks):
        mine = [g for g in groups if ctx.task_for(g.dataset).name == task]
        datasets = {g.dataset for g in mine}
        notes = [n for n in top2_notes or [] if n.split(":", 1)[0] in datasets]
        key = "leaderboard" if i == 0 else f"leaderboard-{task}"
        tables.append(leaderboard_table(ctx, mine, key, task if len(tasks) > 1 else "", scale, notes))
    return tables


def leaderboard_table(ctx: ReportContext, groups: list[Group], key: str = "leaderboard",
                      task: str = "", scale: float = 1.0,
                      top2_notes: list[str] | None = None) -> Table | None:
    if not groups:
        return None
    metrics = list(dict.fromkeys(m for g in groups for m in ctx.metrics_for(g.dataset)))
    digits = 2 if scale >= 10 else 4
    with_scheduler = ctx.scheduler_varies()
    searched = ctx.searched()
    any_failed = any(g.bad or g.note for g in groups)
    columns = ["dataset", "model", "method"] + (["scheduler"] if with_scheduler else [])
    columns += ["selected"] if searched else []
    columns += ["n"] + [f"{m} ×{scale:g}" if scale != 1 else m for m in metrics]
    columns += ["failed"] if any_failed else []
    intervals = {(id(g), m): _scaled(t_interval(g.values(m)), scale) for g in groups for m in metrics}
    lower = {(g.dataset, m) for g in groups for m in metrics
             if not ctx.scores[g.dataset].greater_is_better(m)}
    best = _best([g for g in groups if not g.baseline and not g.marker], metrics, intervals, lower)
    title = f"{ctx.suite_name}: leaderboard{f' — {task}' if task else ''} (test split, mean ± 95 % CI over seeds"
    chooses = ", ".join(dict.fromkeys(ctx.selection_for(g.dataset) for g in groups))
    title += f"; configurations selected on validation {chooses})" if searched else ")"
    table = Table(key, title, columns)
    past_range = False
    refs = references(ctx)
    for i, g in enumerate(groups):
        row = [Cell(g.dataset), Cell(g.model), Cell(method_text(g))]
        row += [Cell(g.scheduler)] if with_scheduler else []
        row += [Cell(g.values_label or DASH)] if searched else []
        row.append(Cell(f"{len(g.ok)}/{len(g.ok) + len(g.bad)}" if g.bad else str(len(g.ok)), len(g.ok)))
        data = {"dataset": g.dataset, "model": g.model, "method": g.method, "scheduler": g.scheduler,
                "selected": g.values_label or None, "n": len(g.ok), "failed": len(g.bad),
                "learned_nothing": bool(g.marker), "learned_nothing_reason": g.marker_reason or None}
        for m in metrics:
            iv, bounds = intervals[(id(g), m)], metric_bounds(m, scale, ctx.task_for(g.dataset).family)
            data.update(interval_data(m, iv, bounds))
            if not g.ok:
                row.append(Cell("no selection" if g.note else "failed", None, "failed"))
                continue
            if m not in ctx.metrics_for(g.dataset):
                row.append(Cell(DASH))
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
        if i + 1 == len(groups) or groups[i + 1].dataset != g.dataset:  # the dataset's last row
            _reference_rows(table, refs, g.dataset, metrics, scale, digits)
    best_word = "the best mean (lowest for " + ", ".join(sorted({m for _, m in lower})) + ")" \
        if lower else "the best mean"
    table.notes.append(f"Bold: {best_word} per dataset and column; italic: its 95 % t-interval "
                       "overlaps the best's (not distinguishable over these seeds). "
                       f"{DASH}: not measured or undefined (a constant prediction has no "
                       "correlation); n: ok seeds (of all run).")
    if any(g.marker for g in groups):
        table.notes.append(learned_note(ctx, groups))
    for dataset in dict.fromkeys(g.dataset for g in groups):
        note = baseline_note(ctx, dataset)
        if note:
            table.notes.append(f"{dataset}: {note}.")
    if past_range:
        table.notes.append(PAST_RANGE_NOTE)
    if any(d in ref.scores for ref in refs for d in {g.dataset for g in groups}):
        table.notes += split_note(ctx)
    table.notes += top2_notes or []
    return table


def _reference_rows(table: Table, refs, dataset: str, metrics: list[str], scale: float,
                    digits: int) -> None:
    """Published rows of this dataset (italic, never ranked), after its own rows."""
    for ref in refs:
        if dataset not in ref.scores:
            continue
        row = [Cell(dataset), Cell(ref.label, None, PUBLISHED),
               Cell(f"{PUBLISHED} ({ref.source})", None, PUBLISHED)]
        row += [Cell("")] * (len(table.columns) - 3 - len(metrics)
                             - (1 if table.columns[-1] == "failed" else 0))
        row += [reference_cell(ref, dataset, m, scale, digits) for m in metrics]
        row += [Cell("")] if table.columns[-1] == "failed" else []
        table.rows.append(row)
        table.data.append({"dataset": dataset, "model": ref.label, "method": PUBLISHED,
                           "source": ref.source, "url": ref.url, "split": ref.split,
                           **{m: ref.scores[dataset].get(m) for m in metrics}})


def _scaled(iv: Interval, scale: float) -> Interval:
    return Interval(iv.mean * scale, iv.low * scale, iv.high * scale, iv.n)


def _best(groups, metrics, intervals, lower: set) -> dict:
    """Per (dataset, metric) the interval with the best mean: highest, or lowest for the
    (dataset, metric) pairs in `lower` (errors)."""
    best: dict[tuple, Interval] = {}
    for g in groups:
        for m in metrics:
            iv = intervals[(id(g), m)]
            if iv.n and not math.isnan(iv.mean):
                current = best.get((g.dataset, m))
                if current is None or (iv.mean < current.mean if (g.dataset, m) in lower
                                       else iv.mean > current.mean):
                    best[(g.dataset, m)] = iv
    return best


def learned_note(ctx: ReportContext, groups: list[Group]) -> str:
    """What the ≈ majority mark means for the task types of these rows."""
    tests = []
    for learned_by in dict.fromkeys(ctx.task_for(g.dataset).learned_by for g in groups if g.marker):
        if learned_by == "correlation":
            tests.append("a score row: its correlation with the truth is not shown to be above 0 "
                         "(the 95 % paired bootstrap interval over test examples, and with ≥ 2 "
                         "seeds the t-interval over seeds, must lie above 0)")
        else:
            tests.append("not significantly above the dataset's baseline (majority class, most "
                         f"frequent choice) on the main metric, or its MCC interval over seeds "
                         f"includes 0 ({RULE})")
    return (f"{MAJORITY_MARK}: not shown to learn more than the baseline that learned nothing — "
            + "; ".join(tests) + "; never bold, never named a winner.")


def baseline_note(ctx: ReportContext, dataset: str) -> str:
    """The dataset's baseline row explained (train mean, chance), from its records' facts."""
    task = ctx.task_for(dataset)
    base = next((r for r in ctx.records if r.dataset_name == dataset and is_baseline(r.method)
                 and r.status == "ok"), None)
    if base is None:
        return ""
    return task.baseline_note(base.data_facts, list(base.label_names))
