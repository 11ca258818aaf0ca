"""The overview across datasets — the JGLUE table: one row per model × method (× scheduler), each
the configuration selected on validation per dataset; one column per dataset with its task
type's overview metrics (the main metric; Pearson and Spearman for STS) as mean ± 95 % t-interval
over seeds; an average of the datasets' main metrics where a row has all of them.

Per column the best mean is bold; a row whose difference to it is not significant by the one
rule (harness.reports.rule, through pairs.compare_groups) is italic; a cell of a row that learned
nothing (≈ majority) is marked and never bold. The baselines of every dataset share one row.
Published figures (`references:`) follow as italic rows marked "published (source)", never
ranked, bold or tested; a reference that names a suite model adds a "Δ vs published" note.
"""

from __future__ import annotations

import math

from harness.methods.registry import METHODS
from harness.reports.context import ReportContext
from harness.reports.groups import MAJORITY_MARK, Group
from harness.reports.pairs import compare_groups
from harness.reports.references import PUBLISHED, reference_cell, references, split_note
from harness.reports.stats import Interval, t_interval
from harness.reports.table import DASH, LEARNED_NOTHING, Cell, Table, fmt_interval, interval_data

BASELINE_ROW = ("baseline (learned nothing)", "-")


def columns_of(ctx: ReportContext, datasets: list[str]) -> list[tuple[str, str]]:
    """(dataset, metric) per column: each dataset's overview metrics, else its main metric."""
    out = []
    for d in datasets:
        wanted = ctx.task_for(d).overview_metrics or (ctx.main_for(d),)
        out += [(d, m) for m in wanted if m in ctx.metrics_for(d)] or [(d, ctx.main_for(d))]
    return out


def _row_key(g: Group) -> tuple[str, str]:
    if g.baseline:
        return BASELINE_ROW
    text = " / ".join(p for p in (g.method, g.scheduler) if p != "-")
    return g.model, text


def overview_table(ctx: ReportContext, scale: float = 1.0, n_boot: int | None = None) -> Table | None:
    groups = ctx.groups()
    datasets = list(dict.fromkeys(g.dataset for g in groups))
    if len(datasets) < 2:
        return None  # one dataset: the leaderboard is the overview
    n_boot = n_boot or ctx.n_boot
    digits = 2 if scale >= 10 else 4
    cols = columns_of(ctx, datasets)
    rows: dict[tuple, dict[str, Group]] = {}
    for g in groups:
        rows.setdefault(_row_key(g), {})[g.dataset] = g
    mains = [(d, ctx.main_for(d)) for d in datasets]
    averaged = all(ctx.scores[d].greater_is_better(m) for d, m in mains)
    marks = _marks(ctx, rows, cols, n_boot)
    header = [f"{d} {m}" + (f" ×{scale:g}" if scale != 1 else "") for d, m in cols]
    avg_header = f"average ({len(datasets)} main metrics)" + (f" ×{scale:g}" if scale != 1 else "")
    table = Table("overview", f"{ctx.suite_name}: overview across datasets (test split, mean ± "
                  "95 % CI over seeds; each dataset's configuration selected on validation)",
                  ["model", "method"] + header + ([avg_header] if averaged else []))

    def average(by_d: dict[str, Group]) -> float | None:
        means = [t_interval(by_d[d].values(m)).mean if d in by_d and by_d[d].ok else math.nan
                 for d, m in mains]
        return None if any(math.isnan(v) for v in means) else float(sum(means) / len(means))

    order = sorted(rows, key=lambda k: (k == BASELINE_ROW, -(average(rows[k]) or -math.inf)))
    for key in order:
        by_d = rows[key]
        cells, data = [Cell(key[0]), Cell(_method_cell(key, by_d))], {"model": key[0],
                                                                     "method": key[1]}
        for d, m in cols:
            g = by_d.get(d)
            iv = _scaled(t_interval(g.values(m)), scale) if g is not None and g.ok else None
            data.update(interval_data(f"{d}/{m}", iv or Interval(math.nan, math.nan, math.nan, 0),
                                      ctx.bounds(d, m, scale)))
            if g is None:
                cells.append(Cell(DASH))
            elif not g.ok:
                cells.append(Cell("failed", None, "failed"))
            elif iv.n == 0:
                cells.append(Cell(DASH))  # undefined: the train mean has no correlation
            else:
                text = fmt_interval(iv, digits, bounds=ctx.bounds(d, m, scale))
                mark = marks.get((key, d, m), "")
                if g.marker:
                    text, mark = f"{text} {MAJORITY_MARK}", LEARNED_NOTHING
                cells.append(Cell(text, iv.mean, mark))
            data[f"{d}/{m}_learned_nothing"] = bool(g and g.marker)
        if averaged:
            avg = average(by_d)
            cells.append(Cell(DASH if avg is None else f"{avg * scale:.{digits}f}",
                              None if avg is None else avg * scale))
            data["average"] = None if avg is None else avg * scale
        table.rows.append(cells)
        table.data.append(data)
    for ref in references(ctx):
        cells = [Cell(ref.label, None, PUBLISHED), Cell(f"{PUBLISHED} ({ref.source})", None, PUBLISHED)]
        cells += [reference_cell(ref, d, m, scale, digits) for d, m in cols]
        if averaged:
            values = [ref.scores.get(d, {}).get(m) for d, m in mains]
            avg = None if any(v is None for v in values) else sum(values) / len(values)
            cells.append(Cell(DASH if avg is None else f"{avg * scale:.{digits}f}", None,
                              PUBLISHED if avg is not None else ""))
        table.rows.append(cells)
        table.data.append({"model": ref.label, "method": PUBLISHED, "source": ref.source,
                           "url": ref.url, "split": ref.split,
                           **{f"{d}/{m}": ref.scores.get(d, {}).get(m) for d, m in cols}})
    table.notes += _notes(ctx, datasets, mains, averaged, rows)
    return table


def _scaled(iv: Interval, scale: float) -> Interval:
    return Interval(iv.mean * scale, iv.low * scale, iv.high * scale, iv.n)


def _method_cell(key: tuple, by_d: dict[str, Group]) -> str:
    if key == BASELINE_ROW:
        return " / ".join(dict.fromkeys(g.method for g in by_d.values()))
    chosen = {d: g.values_label for d, g in by_d.items() if g.configuration}
    return key[1] + ("" if not chosen else " (selected per dataset)")


def _marks(ctx: ReportContext, rows: dict, cols, n_boot: int) -> dict:
    """(row, dataset, metric) -> "best" or "overlap": the best mean per column, and the rows
    not significantly different from it by the one rule."""
    marks = {}
    for d, m in cols:
        higher = ctx.scores[d].greater_is_better(m)
        cands = [(k, by_d[d]) for k, by_d in rows.items() if k != BASELINE_ROW and d in by_d
                 and by_d[d].ok and not by_d[d].marker and by_d[d].values(m)]
        if not cands:
            continue
        mean = {k: t_interval(g.values(m)).mean for k, g in cands}
        best_key, best = (max if higher else min)(cands, key=lambda kg: mean[kg[0]])
        for k, g in cands:
            if mean[k] == mean[best_key]:
                marks[(k, d, m)] = "best"
                continue
            r = compare_groups(ctx, g, best, n_boot, m)
            if "diff" in r and not r["significant"]:
                marks[(k, d, m)] = "overlap"
    return marks


def _notes(ctx: ReportContext, datasets, mains, averaged: bool, rows) -> list[str]:
    notes = ["Bold: the best mean per column; italic: not significantly different from it "
             "(paired bootstrap over the shared test examples, Welch's t over seeds, McNemar for "
             "accuracy: the report's one rule). "
             f"{MAJORITY_MARK}: the row is not shown to learn more than the dataset's baseline "
             f"(leaderboard notes). {DASH}: not run, or undefined (a constant prediction has no "
             "correlation)."]
    if averaged:
        notes.append("average: the mean over the row's datasets of each dataset's main metric ("
                     + ", ".join(f"{d} {m}" for d, m in mains) + "); — when a dataset is missing.")
    else:
        notes.append("no average: a main metric where lower is better cannot be averaged with "
                     "the others.")
    configured = [(k, d, g.values_label) for k, by_d in rows.items() for d, g in by_d.items()
                  if g.configuration and g.ok]
    if configured:
        notes.append("selected per dataset on validation: " + "; ".join(
            f"{k[0]} / {k[1]} on {d}: {label}" for k, d, label in configured))
    for d in datasets:
        note = ctx.task_for(d).baseline_note(*_facts(ctx, d))
        if note:
            notes.append(f"{d}: {note}.")
    notes += split_note(ctx)
    notes += published_deltas(ctx, rows)
    return notes


def _facts(ctx: ReportContext, dataset: str) -> tuple[dict, list[str]]:
    rec = next((r for r in ctx.records if r.dataset_name == dataset and r.status == "ok"), None)
    return (rec.data_facts, list(rec.label_names)) if rec else ({}, [])


def published_deltas(ctx: ReportContext, rows: dict) -> list[str]:
    """'Δ vs published' for each reference naming a suite model: its trained rows' means against
    the published figures, dataset by dataset."""
    out = []
    from harness.specs.model import ModelSpec

    ids = {spec.display_name: spec.id for spec in
           (ModelSpec.model_validate(m) for m in (ctx.suite or {}).get("models", []))}
    for ref in references(ctx):
        names = {ref.model} if ref.model else {n for n, i in ids.items() if i and i == ref.model_id}
        if not names - {None}:
            continue
        parts = []
        for key, by_d in rows.items():
            if key[0] not in names:
                continue
            for d, g in by_d.items():
                method = METHODS.get(g.ok[0].method) if g.ok else None
                if method is None or not method.trains:  # published figures are fine-tunes
                    continue
                for m, published in ref.scores.get(d, {}).items():
                    ours = t_interval(g.values(m)).mean
                    if not math.isnan(ours):
                        parts.append(f"{d} {m} {ours:.4f} vs {published:.4f} (Δ {ours - published:+.4f})")
        if parts:
            out.append(f"Δ vs published ({ref.label}, {ref.source}) for {', '.join(sorted(names))}: "
                       + "; ".join(parts) + (f". {ref.note}" if ref.note else "."))
    return out
