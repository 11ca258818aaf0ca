"""The statistics behind the report: t-intervals over seeds, paired t-tests across seeds, McNemar
on paired predictions and a paired bootstrap of a metric difference. scipy is imported inside the
functions so that naming them stays light."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

EXACT_BELOW = 25  # discordant pairs: below this McNemar uses the exact binomial test


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float  # nan when n < 2: one seed has no spread to estimate
    high: float
    n: int

    @property
    def half(self) -> float:
        return (self.high - self.low) / 2

    def clipped(self, bounds: tuple[float, float] | None) -> "Interval":
        """The interval cut to a metric's range (a t-interval of a [0, 1] metric can pass 1)."""
        if bounds is None or math.isnan(self.low):
            return self
        lo, hi = bounds
        return Interval(self.mean, max(self.low, lo), min(self.high, hi), self.n)

    def passes(self, bounds: tuple[float, float] | None) -> bool:
        """The interval reaches past the metric's range."""
        return bounds is not None and not math.isnan(self.low) and \
            (self.low < bounds[0] or self.high > bounds[1])

    def overlaps(self, other: "Interval") -> bool:
        a_low, a_high = (self.mean, self.mean) if math.isnan(self.low) else (self.low, self.high)
        b_low, b_high = (other.mean, other.mean) if math.isnan(other.low) else (other.low, other.high)
        return a_low <= b_high and b_low <= a_high


def t_interval(values, confidence: float = 0.95) -> Interval:
    """Mean and two-sided Student-t interval of independent values (seeds)."""
    from scipy import stats

    x = np.asarray([v for v in values if v is not None and np.isfinite(v)], dtype=float)
    if x.size == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if x.size < 2:
        return Interval(mean, math.nan, math.nan, int(x.size))
    half = float(stats.t.ppf((1 + confidence) / 2, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size))
    return Interval(mean, mean - half, mean + half, int(x.size))


@dataclass(frozen=True)
class PairedT:
    diff: Interval  # of a - b over the pairs
    p: float  # nan with fewer than 2 pairs or zero spread of the differences


def paired_t(a, b, confidence: float = 0.95) -> PairedT:
    """Paired t-test of a against b (same seeds in the same order)."""
    from scipy import stats

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    diff = t_interval(a - b, confidence)
    if a.size < 2 or np.allclose(a - b, (a - b)[0]):
        return PairedT(diff, math.nan)
    return PairedT(diff, float(stats.ttest_rel(a, b).pvalue))


@dataclass(frozen=True)
class McNemar:
    only_a: int  # examples A gets right and B wrong
    only_b: int
    p: float
    exact: bool


def mcnemar(y_true, pred_a, pred_b) -> McNemar:
    """McNemar's test on two classifiers' predictions of the same examples. Exact (binomial,
    two-sided) below EXACT_BELOW discordant pairs, else chi-square with continuity correction."""
    from scipy import stats

    y, a, b = (np.asarray(v) for v in (y_true, pred_a, pred_b))
    if not (y.shape == a.shape == b.shape):
        raise ValueError(f"prediction shapes differ: {y.shape}, {a.shape}, {b.shape}")
    ra, rb = a == y, b == y
    n01, n10 = int((ra & ~rb).sum()), int((~ra & rb).sum())
    n = n01 + n10
    if n == 0:
        return McNemar(n01, n10, 1.0, True)
    if n < EXACT_BELOW:
        return McNemar(n01, n10, float(stats.binomtest(n01, n, 0.5).pvalue), True)
    chi2 = (abs(n01 - n10) - 1) ** 2 / n
    return McNemar(n01, n10, float(stats.chi2.sf(chi2, 1)), False)


def paired_bootstrap(y_true, preds_a: list, preds_b: list, metric, *, n_boot: int = 1000,
                     seed: int = 0, confidence: float = 0.95, cm_metric=None, num_labels: int = 0,
                     positive: int | None = None) -> Interval:
    """Percentile bootstrap CI of metric(A) - metric(B), resampling test examples with the same
    resample for both sides. With several seeds per side the metric is their mean.
    `metric(y_true, y_pred)` -> float gives the observed difference (`mean`); the resamples use
    `cm_metric` (a cm_metrics function over confusion-matrix stacks) when given, else `metric`
    once per resample. `n` is the number of resamples."""
    y = np.asarray(y_true)
    sides = [[np.asarray(p) for p in preds_a], [np.asarray(p) for p in preds_b]]
    if not sides[0] or not sides[1] or any(p.shape != y.shape for s in sides for p in s):
        raise ValueError("paired bootstrap needs predictions of the same examples on both sides")

    def diff(idx) -> float:
        a = np.mean([metric(y[idx], p[idx]) for p in sides[0]])
        b = np.mean([metric(y[idx], p[idx]) for p in sides[1]])
        return float(a - b)

    observed = diff(slice(None))
    rng = np.random.default_rng(seed)
    if cm_metric is not None:
        from harness.reports.cm_metrics import confusions

        weights = rng.multinomial(y.size, np.full(y.size, 1 / y.size), size=n_boot).astype(float)
        k = max(num_labels, int(max(y.max(), *(p.max() for s in sides for p in s))) + 1)
        means = [np.mean([cm_metric(confusions(y, p, k, weights), positive) for p in side], axis=0)
                 for side in sides]
        diffs = means[0] - means[1]
    else:
        diffs = np.array([diff(rng.integers(0, y.size, y.size)) for _ in range(n_boot)])
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(diffs, [tail, 100 - tail])
    return Interval(observed, float(low), float(high), n_boot)


def bootstrap_interval(y_true, preds: list, metric, *, n_boot: int = 1000, seed: int = 0,
                       confidence: float = 0.95) -> Interval:
    """Percentile bootstrap CI of metric(y, p) averaged over `preds` (one per seed), resampling
    test examples (the same resample for every seed). A resample where the metric is undefined
    (None: a constant side) counts as nan and is left out. `n` is the resamples that counted."""
    y = np.asarray(y_true)
    sides = [np.asarray(p) for p in preds]

    def value(idx) -> float:
        vals = [metric(y[idx], p[idx]) for p in sides]
        return math.nan if any(v is None for v in vals) else float(np.mean(vals))

    observed = value(slice(None))
    rng = np.random.default_rng(seed)
    draws = np.array([value(rng.integers(0, y.size, y.size)) for _ in range(n_boot)])
    draws = draws[~np.isnan(draws)]
    if not draws.size:
        return Interval(observed, math.nan, math.nan, 0)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(draws, [tail, 100 - tail])
    return Interval(observed, float(low), float(high), int(draws.size))
