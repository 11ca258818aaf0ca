"""The one rule for "significant", used by the leaderboard's top-2 line, the scheduler lines,
the ≈ majority marks, the significance table and `harness compare`:

A − B is significant when the paired percentile bootstrap of the metric difference over test
examples (the same resample for both sides, the metric averaged over each side's seeds) has a
95 % interval that excludes 0; for accuracy also McNemar's p < ALPHA for every seed pair (an
intersection-union test); and, when each side has at least 2 seeds, Welch's t over the seeds'
scores gives p < ALPHA, so seed-to-seed variation alone is never a difference.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from harness.reports.stats import mcnemar, paired_bootstrap

ALPHA = 0.05
RULE = ("significant = the 95 % paired bootstrap CI of Δ over test examples excludes 0 (and, "
        "for accuracy, McNemar p < 0.05 for every seed pair) and, with ≥ 2 seeds a side, "
        "Welch's t over seeds p < 0.05 — the rule harness compare applies")


@dataclass
class Test:
    significant: bool
    diff: float  # metric(A) − metric(B), each averaged over its seeds with predictions
    ci_low: float
    ci_high: float
    test: str  # what decided: "paired bootstrap + McNemar + Welch t (seeds)"
    p: float | None = None  # the largest p of the tests that gave one
    welch: float | None = None
    mcnemar: list = field(default_factory=list)  # harness.reports.stats.McNemar per seed pair


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


def paired_test(metric: str, y, preds_a: list, preds_b: list, values_a, values_b, metric_fn,
                n_boot: int, cm_metric=None, num_labels: int = 0,
                positive: int | None = None) -> Test:
    """A against B by the rule. `preds_a[i]` and `preds_b[i]` are one seed pair's test
    predictions of the examples `y`; `values_a`/`values_b` are each side's seed scores."""
    boot = paired_bootstrap(y, preds_a, preds_b, metric_fn, n_boot=n_boot, cm_metric=cm_metric,
                            num_labels=num_labels, positive=positive)
    significant = boot.low > 0 or boot.high < 0
    test, p = "paired bootstrap", None
    tests = []
    if metric == "accuracy":
        tests = [mcnemar(y, a, b) for a, b in zip(preds_a, preds_b)]
        p = max(t.p for t in tests)
        significant = significant and p < ALPHA
        test += " + McNemar"
    welch = welch_p(list(values_b), list(values_a))
    if welch is not None:
        significant = significant and welch < ALPHA
        test += " + Welch t (seeds)"
        p = welch if p is None else max(p, welch)
    return Test(significant, boot.mean, boot.low, boot.high, test, p, welch, tests)
