"""Rows that learned nothing: a row is marked MAJORITY_MARK ("≈ majority") when it is not shown
to learn more than its dataset's baseline, by its task type's test (TaskType.learned_by):

- "baseline" (classification, multiple choice): its difference to the dataset's baseline row
  (majority class, most frequent choice) on the main metric is not significantly positive by the
  one rule (harness.reports.rule), or its MCC interval over seeds includes 0 (one seed: MCC ≤ 0);
- "correlation" (regression): its Pearson correlation with the truth is not shown to be above 0
  — the 95 % percentile bootstrap over test examples of the correlation (averaged over seeds)
  must lie above 0, and with ≥ 2 seeds the t-interval over the seeds' correlations too. The
  baseline (the train mean) has no correlation at all, so "above the baseline" is this test.

A marked row is never bold, and the top-2 and scheduler lines name no winner among marked rows.
"""

from __future__ import annotations

import math

import numpy as np

from harness.reports.groups import MAJORITY_MARK, Group
from harness.reports.pairs import by_seed, compare_groups
from harness.reports.stats import bootstrap_interval, t_interval

MCC = "mcc"
CORRELATION = "pearson"


def mark_learned_nothing(ctx, groups: list[Group], n_boot: int) -> None:
    """Set `marker` and `marker_reason` on each non-baseline group with ok seeds that learned
    nothing beyond its dataset's baseline."""
    majority = {g.dataset: g for g in groups if g.baseline and g.ok}
    for g in groups:
        if g.baseline or not g.ok:
            continue
        if ctx.task_for(g.dataset).learned_by == "correlation":
            reasons = _correlation_reasons(ctx, g, n_boot)
        else:
            reasons = _baseline_reasons(ctx, g, majority.get(g.dataset), n_boot)
        if reasons:
            g.marker, g.marker_reason = MAJORITY_MARK, "; ".join(reasons)


def _baseline_reasons(ctx, g: Group, base: Group | None, n_boot: int) -> list[str]:
    reasons = []
    if base is not None:
        r = compare_groups(ctx, g, base, n_boot)
        better = "diff" in r and (r["diff"] > 0) == r["greater_is_better"]
        if "diff" in r and not (r["significant"] and better):
            reasons.append(f"Δ {r['metric']} to the baseline {r['diff']:+.4f}, "
                           f"95 % CI [{r['ci95_low']:+.4f}, {r['ci95_high']:+.4f}]: "
                           "not significantly above it")
    if MCC in ctx.metrics_for(g.dataset):
        iv = t_interval(g.values(MCC))
        if iv.n >= 2 and not math.isnan(iv.low) and iv.low <= 0:
            reasons.append(f"MCC {iv.mean:.4f} ± {iv.half:.4f} includes 0")
        elif iv.n == 1 and iv.mean <= 0:
            reasons.append(f"MCC {iv.mean:.4f} (one seed)")
    return reasons


def _correlation_reasons(ctx, g: Group, n_boot: int) -> list[str]:
    fn = ctx.scores[g.dataset].scoring().fn(CORRELATION)
    preds = by_seed(ctx, g)
    reasons = []
    if preds and fn is not None:
        y = next(iter(preds.values()))[0]
        if all(np.array_equal(p[0], y) for p in preds.values()):
            iv = bootstrap_interval(y, [p[1] for p in preds.values()], fn, n_boot=n_boot)
            if math.isnan(iv.mean) or not iv.low > 0:
                reasons.append(f"Pearson {iv.mean:.4f}, 95 % bootstrap CI [{iv.low:+.4f}, "
                               f"{iv.high:+.4f}] over test examples: not shown to be above 0")
    iv = t_interval(g.values(CORRELATION))
    if iv.n >= 2 and not math.isnan(iv.low) and iv.low <= 0:
        reasons.append(f"Pearson {iv.mean:.4f} ± {iv.half:.4f} over seeds includes 0")
    elif iv.n == 1 and not iv.mean > 0:
        reasons.append(f"Pearson {iv.mean:.4f} (one seed)")
    elif iv.n == 0:
        reasons.append("no Pearson correlation (constant predictions)")
    return reasons
