"""Noise-aware verdicts for one row of a comparison (new − base).

Quality metrics, with stored test predictions of the same test set on both sides: a paired
bootstrap of the metric difference over test examples must exclude 0 (and for accuracy McNemar
must give p < ALPHA for every seed pair: an intersection-union test); with ≥ 2 seeds on each side
Welch's t over seeds must also give p < ALPHA, so seed-to-seed variation alone is not a change.
Without predictions: Welch's t over seeds alone. Always: |Δ| ≥ the metric's minimum practical
difference. Timing metrics compare as new ÷ base ratios with a tolerance (and, with ≥ 2 seeds a
side, Welch's t over the seeds' timings), only on one device: else "not comparable"."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from harness.reports.stats import mcnemar, paired_bootstrap

ALPHA = 0.05


@dataclass
class Decision:
    verdict: str  # improved, regressed, unchanged, not comparable
    test: str  # what decided it
    p: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    detail: str = ""


def welch_p(base: list[float], new: list[float]) -> float | None:
    """Two-sided Welch's t p-value; None with fewer than 2 values a side."""
    from scipy import stats

    if len(base) < 2 or len(new) < 2:
        return None
    b, n = np.asarray(base, float), np.asarray(new, float)
    if b.std() == 0 and n.std() == 0:  # no spread at all: any difference is beyond seed noise
        return 1.0 if b.mean() == n.mean() else 0.0
    with warnings.catch_warnings():  # nearly identical seeds: scipy warns, the p-value stands
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(stats.ttest_ind(n, b, equal_var=False).pvalue)


def _direction(delta: float, significant: bool, min_diff: float) -> str:
    if not significant or abs(delta) < min_diff:
        return "unchanged"
    return "improved" if delta > 0 else "regressed"


def paired(metric: str, y, base_preds: list, new_preds: list, base_vals, new_vals, metric_fn,
           min_diff: float, n_boot: int, cm_metric=None, num_labels: int = 0,
           positive: int | None = None) -> Decision:
    boot = paired_bootstrap(y, new_preds, base_preds, metric_fn, n_boot=n_boot, cm_metric=cm_metric,
                            num_labels=num_labels, positive=positive)
    significant = boot.low > 0 or boot.high < 0
    test, p = "paired bootstrap", None
    if metric == "accuracy":
        ps = [mcnemar(y, n, b).p for n, b in zip(new_preds, base_preds)]
        p = max(ps)
        significant = significant and p < ALPHA
        test += " + McNemar"
    welch = welch_p(list(base_vals), list(new_vals))
    if welch is not None:
        significant = significant and welch < ALPHA
        test += " + Welch t (seeds)"
        p = welch if p is None else max(p, welch)
    return Decision(_direction(boot.mean, significant, min_diff), test, p, boot.low, boot.high)


def seeds_only(base_vals, new_vals, min_diff: float) -> Decision:
    p = welch_p(list(base_vals), list(new_vals))
    if p is None:
        return Decision("unchanged", "none", detail="one seed a side and no stored predictions: "
                                                    "no test possible")
    delta = float(np.mean(new_vals) - np.mean(base_vals))
    return Decision(_direction(delta, p < ALPHA, min_diff), "Welch t (seeds)", p)


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
