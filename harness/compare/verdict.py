"""Noise-aware verdicts for one row of a comparison (new − base).

Quality metrics, with stored test predictions of the same test set on both sides, by the one
significance rule of the reports (harness.reports.rule): a paired
bootstrap of the metric difference over test examples must exclude 0 (and for accuracy McNemar
must give p < ALPHA for every seed pair: an intersection-union test); with ≥ 2 seeds on each side
Welch's t over seeds must also give p < ALPHA, so seed-to-seed variation alone is not a change.
Without predictions: Welch's t over seeds alone. Always: |Δ| ≥ the metric's minimum practical
difference. Timing metrics compare as new ÷ base ratios with a tolerance (and, with ≥ 2 seeds a
side, Welch's t over the seeds' timings), only on one device: else "not comparable"."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from harness.reports.rule import ALPHA, paired_test, welch_p


@dataclass
class Decision:
    verdict: str  # improved, regressed, unchanged, not comparable
    test: str  # what decided it
    p: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    detail: str = ""


def _direction(delta: float, significant: bool, min_diff: float, higher: bool = True) -> str:
    """higher: a larger value is better (False for errors such as MSE)."""
    if not significant or abs(delta) < min_diff:
        return "unchanged"
    return "improved" if (delta > 0) == higher else "regressed"


def paired(metric: str, y, base_preds: list, new_preds: list, base_vals, new_vals, metric_fn,
           min_diff: float, n_boot: int, cm_metric=None, num_labels: int = 0,
           positive: int | None = None, higher: bool = True) -> Decision:
    """new − base by the report's one rule (harness.reports.rule), then the minimum practical
    difference."""
    t = paired_test(metric, y, new_preds, base_preds, new_vals, base_vals, metric_fn, n_boot,
                    cm_metric, num_labels, positive)
    return Decision(_direction(t.diff, t.significant, min_diff, higher), t.test, t.p, t.ci_low,
                    t.ci_high)


def seeds_only(base_vals, new_vals, min_diff: float, higher: bool = True) -> Decision:
    p = welch_p(list(base_vals), list(new_vals))
    if p is None:
        return Decision("unchanged", "none", detail="one seed a side and no stored predictions: "
                                                    "no test possible")
    delta = float(np.mean(new_vals) - np.mean(base_vals))
    return Decision(_direction(delta, p < ALPHA, min_diff, higher), "Welch t (seeds)", p)


def ratio(base_vals, new_vals, higher_is_better: bool, tolerance: float,
          same_device: bool) -> tuple[float | None, Decision]:
    if not same_device:
        return None, Decision("not comparable", "ratio", detail="different devices")
    b, n = float(np.mean(base_vals)), float(np.mean(new_vals))
    if not (b > 0 and math.isfinite(n)):
        return None, Decision("not comparable", "ratio", detail="no base value")
    r = n / b
    better = r > 1 + tolerance if higher_is_better else r < 1 - tolerance
    worse = r < 1 - tolerance if higher_is_better else r > 1 + tolerance
    test = f"ratio (tolerance {tolerance:.0%})"
    p = welch_p(list(base_vals), list(new_vals))  # with seeds: timing noise is not a change
    if p is not None:
        test += " + Welch t (seeds)"
        better, worse = better and p < ALPHA, worse and p < ALPHA
    verdict = "improved" if better else "regressed" if worse else "unchanged"
    return r, Decision(verdict, test, p)
