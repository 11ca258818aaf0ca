"""Scheduler comparison: per dataset × model × method, one column per lr_scheduler_type with the
main metric's mean ± 95 % CI over seeds (each scheduler's selected configuration when a grid or
search ran), and each scheduler's difference to `linear` (the transformers default) judged by the
one rule (harness.reports.rule: paired bootstrap over test examples and Welch's t over seeds).
A line per row names the best scheduler only when it beats the reference by that rule and no
"winner" among rows that learned nothing (≈ majority). Only when schedulers vary."""

from __future__ import annotations

import math

from harness.reports.context import ReportContext
from harness.reports.groups import MAJORITY_MARK
from harness.reports.pairs import compare_groups
from harness.reports.rule import RULE
from harness.reports.stats import t_interval
from harness.reports.table import (
    DASH,
    LEARNED_NOTHING,
    Cell,
    Table,
    fmt_interval,
    interval_data,
)

REFERENCE = "linear"


def scheduler_table(ctx: ReportContext, scale: float = 1.0) -> Table | None:
    if not ctx.scheduler_varies():
        return None
    groups = [g for g in ctx.groups() if not g.baseline and g.scheduler != "-"]
    schedulers = list(dict.fromkeys(g.scheduler for g in groups))
    reference = REFERENCE if REFERENCE in schedulers else schedulers[0]
    others = [s for s in schedulers if s != reference]
    digits = 2 if scale >= 10 else 4
    header, mixed = ctx.main_header({g.dataset for g in groups})
    columns = ["dataset", "model", "method"] + [f"{s} ({header})" for s in schedulers]
    columns += [f"{s} − {reference}" for s in others]
    table = Table("schedulers", f"{ctx.suite_name}: {header} by lr scheduler (mean ± 95 % CI; "
                  f"difference to {reference} by the report's significance rule)", columns)
    rows: dict[tuple, dict] = {}
    for g in groups:
        rows.setdefault((g.dataset, g.model, g.method), {})[g.scheduler] = g
    for (dataset, model, method), by_s in rows.items():
        main = ctx.main_for(dataset)
        bounds = ctx.bounds(dataset, main, scale)
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
                text = (f"{main} " if mixed else "") + fmt_interval(iv, digits, with_n=True,
                                                                      bounds=bounds)
                text += f" {g.values_label}" if g.configuration else ""
                row.append(Cell(text + (f" {g.marker}" if g.marker else ""), iv.mean,
                                LEARNED_NOTHING if g.marker else ""))
            data.update(interval_data(s, iv, bounds) if iv else {s: None})
            data[f"{s}_learned_nothing"] = bool(g and g.marker)
        verdicts = {}
        for s in others:
            mine, ref = by_s.get(s), by_s.get(reference)
            r = compare_groups(ctx, mine, ref, ctx.n_boot) if mine and ref and mine.ok and ref.ok \
                else {"verdict": "not compared"}
            verdicts[s] = r
            if "diff" not in r:
                row.append(Cell(r["verdict"] if mine and ref else DASH))
                data[f"{s}_minus_{reference}"] = None
                continue
            diff = r["diff"] * scale
            row.append(Cell(f"{diff:+.{digits}f} ({r['verdict']}, {len(r['seeds'])} seeds)", diff))
            data[f"{s}_minus_{reference}"] = diff
            data[f"{s}_minus_{reference}_ci95_low"] = r["ci95_low"] * scale
            data[f"{s}_minus_{reference}_ci95_high"] = r["ci95_high"] * scale
            data[f"{s}_minus_{reference}_seeds"] = len(r["seeds"])
            data[f"{s}_minus_{reference}_welch_p"] = r["welch_p"]
            data[f"{s}_minus_{reference}_significant"] = r["significant"]
        table.notes.append(_line(dataset, model, method, by_s, reference, verdicts, main))
        table.rows.append(row)
        table.data.append(data)
    table.notes.append(f"Differences: {RULE}. The reference is {reference}.")
    if reference != REFERENCE:
        table.notes.append(f"linear was not run: differences are to {reference}.")
    return table


def _line(dataset, model, method, by_s: dict, reference: str, verdicts: dict, main: str) -> str:
    """The scheduler line of one row: a winner only when it beats the reference by the rule and
    learned something."""
    head = f"{dataset}: {model} / {method}:"
    marked = [s for s, g in by_s.items() if g.marker]
    ok = {s: g for s, g in by_s.items() if g.ok}
    if ok and len(marked) == len(ok):
        return f"{head} every scheduler is {MAJORITY_MARK} (learned nothing): no winner."
    note = f" ({', '.join(marked)}: {MAJORITY_MARK})" if marked else ""
    means = {s: t_interval(g.values(main)).mean for s, g in ok.items() if not g.marker}
    means = {s: m for s, m in means.items() if not math.isnan(m)}
    if not means:
        return f"{head} no scheduler with scores{note}."
    best = max(means, key=means.get)
    if best == reference:
        return f"{head} no scheduler beats {reference} by the rule{note}."
    r = verdicts.get(best, {})
    if r.get("significant") and r["diff"] > 0:
        return f"{head} {best} beats {reference} (Δ {main} {r['diff']:+.4f}, significant){note}."
    return (f"{head} {best} has the best mean but is not significantly better than {reference} "
            f"(no winner){note}.")
