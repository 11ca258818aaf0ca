"""Rows that learned nothing: a row is marked MAJORITY_MARK ("≈ majority") when its difference
to its dataset's majority baseline is not significantly positive by the one rule
(harness.reports.rule, on the main metric), or when its MCC interval over seeds includes 0 (one
seed: MCC ≤ 0). A marked row is never bold, and the top-2 and scheduler lines name no winner
among marked rows."""

from __future__ import annotations

import math

from harness.reports.groups import MAJORITY_MARK, Group
from harness.reports.pairs import compare_groups
from harness.reports.stats import t_interval

MCC = "mcc"


def mark_learned_nothing(ctx, groups: list[Group], n_boot: int) -> None:
    """Set `marker` and `marker_reason` on each non-baseline group with ok seeds that learned
    nothing beyond the majority class."""
    majority = {g.dataset: g for g in groups if g.baseline and g.ok}
    for g in groups:
        if g.baseline or not g.ok:
            continue
        reasons = []
        base = majority.get(g.dataset)
        if base is not None:
            r = compare_groups(ctx, g, base, n_boot)
            if "diff" in r and not (r["significant"] and r["diff"] > 0):
                reasons.append(f"Δ {r['metric']} to the majority baseline {r['diff']:+.4f}, "
                               f"95 % CI [{r['ci95_low']:+.4f}, {r['ci95_high']:+.4f}]: "
                               "not significantly above it")
        if MCC in ctx.metrics:
            iv = t_interval(g.values(MCC))
            if iv.n >= 2 and not math.isnan(iv.low) and iv.low <= 0:
                reasons.append(f"MCC {iv.mean:.4f} ± {iv.half:.4f} includes 0")
            elif iv.n == 1 and iv.mean <= 0:
                reasons.append(f"MCC {iv.mean:.4f} (one seed)")
        if reasons:
            g.marker, g.marker_reason = MAJORITY_MARK, "; ".join(reasons)
