"""The report's statistics against scipy / scikit-learn and hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from harness.metrics.registry import METRICS, MetricContext
from harness.reports.cm_metrics import CM_METRICS, confusions
from harness.reports.stats import mcnemar, paired_bootstrap, paired_t, t_interval


@pytest.mark.parametrize("values", [[0.81, 0.83, 0.78], [1.0, 2.0, 4.0, 8.0, 16.0], [0.5, 0.5001]])
def test_t_interval_matches_scipy(values):
    iv = t_interval(values)
    low, high = stats.t.interval(0.95, len(values) - 1, loc=np.mean(values), scale=stats.sem(values))
    assert iv.n == len(values) and iv.mean == pytest.approx(np.mean(values))
    assert (iv.low, iv.high) == (pytest.approx(low), pytest.approx(high))


def test_t_interval_known_numbers():
    # mean 2, sd 1, n 3: half-width = t_{0.975, 2} * 1 / sqrt 3 = 4.302653 / 1.732051 = 2.484138
    iv = t_interval([1.0, 2.0, 3.0])
    assert iv.half == pytest.approx(2.484138, abs=1e-6)


def test_one_seed_has_no_interval_and_missing_values_are_skipped():
    one = t_interval([0.7, None])
    assert one.n == 1 and one.mean == 0.7 and math.isnan(one.low)
    assert t_interval([]).n == 0


def test_overlap():
    a, b, c = t_interval([0.80, 0.82, 0.84]), t_interval([0.79, 0.81, 0.83]), t_interval([0.1, 0.11, 0.12])
    assert a.overlaps(b) and b.overlaps(a) and not a.overlaps(c)


def test_paired_t_matches_scipy():
    a, b = [0.81, 0.85, 0.80, 0.83], [0.79, 0.84, 0.77, 0.80]
    result = paired_t(a, b)
    assert result.p == pytest.approx(stats.ttest_rel(a, b).pvalue)
    assert result.diff.mean == pytest.approx(np.mean(np.subtract(a, b)))
    assert math.isnan(paired_t([0.8], [0.7]).p)


def test_mcnemar_exact_by_hand():
    # A right / B wrong on 7 examples, the reverse on 1: two-sided exact binomial
    # p = 2 * P(X <= 1 | n=8, 1/2) = 2 * (1 + 8) / 256 = 0.0703125
    y = np.zeros(20, dtype=int)
    a = np.zeros(20, dtype=int)
    b = np.zeros(20, dtype=int)
    b[:7] = 1  # B wrong, A right
    a[7] = 1   # A wrong, B right
    a[8:10] = b[8:10] = 1  # both wrong: not discordant
    result = mcnemar(y, a, b)
    assert (result.only_a, result.only_b, result.exact) == (7, 1, True)
    assert result.p == pytest.approx(18 / 256)


def test_mcnemar_chi_square_by_hand():
    # 30 vs 10 discordant: chi2 = (|30 - 10| - 1)^2 / 40 = 9.025; 1 df: p = erfc(sqrt(9.025 / 2))
    y = np.zeros(100, dtype=int)
    a, b = np.zeros(100, dtype=int), np.zeros(100, dtype=int)
    b[:30] = 1
    a[30:40] = 1
    result = mcnemar(y, a, b)
    assert (result.only_a, result.only_b, result.exact) == (30, 10, False)
    assert result.p == pytest.approx(math.erfc(math.sqrt(9.025 / 2)))
    assert mcnemar(y, a, a).p == 1.0


def _accuracy(t, p):
    return float((t == p).mean())


def test_bootstrap_identical_models_give_zero():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 200)
    p = rng.integers(0, 3, 200)
    iv = paired_bootstrap(y, [p], [p], _accuracy, n_boot=200)
    assert (iv.mean, iv.low, iv.high) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("vectorized", [False, True])
def test_bootstrap_finds_a_real_difference_and_not_a_fake_one(vectorized):
    rng = np.random.default_rng(2)
    y = rng.integers(0, 3, 400)
    good = np.where(rng.random(400) < 0.9, y, (y + 1) % 3)
    bad = np.where(rng.random(400) < 0.6, y, (y + 1) % 3)
    kw = {"cm_metric": CM_METRICS["accuracy"], "num_labels": 3} if vectorized else {}
    real = paired_bootstrap(y, [good], [bad], _accuracy, n_boot=500, **kw)
    assert real.mean == pytest.approx(_accuracy(y, good) - _accuracy(y, bad))
    assert 0 < real.low < real.mean < real.high
    # Two draws of the same 75 % classifier: the CI must cover 0.
    same1 = np.where(rng.random(400) < 0.75, y, (y + 1) % 3)
    same2 = np.where(rng.random(400) < 0.75, y, (y + 1) % 3)
    fake = paired_bootstrap(y, [same1], [same2], _accuracy, n_boot=500, **kw)
    assert fake.low < 0 < fake.high or abs(fake.mean) < 0.03
    # More examples, narrower interval.
    y4 = np.tile(y, 4)
    wide = paired_bootstrap(y4, [np.tile(good, 4)], [np.tile(bad, 4)], _accuracy, n_boot=500, **kw)
    assert (wide.high - wide.low) < (real.high - real.low)


@pytest.mark.parametrize("name", sorted(CM_METRICS))
@pytest.mark.parametrize("k", [2, 4])
def test_confusion_matrix_metrics_equal_sklearn(name, k):
    rng = np.random.default_rng(k)
    y = rng.integers(0, k, 120)
    p = np.where(rng.random(120) < 0.6, y, rng.integers(0, k, 120))
    p[p == k - 1] = 0  # one label never predicted: zero_division paths
    ctx = MetricContext(k, 1 if k == 2 else None)
    weights = rng.multinomial(120, np.full(120, 1 / 120), size=5).astype(float)
    got = CM_METRICS[name](confusions(y, p, k, weights), ctx.positive_label_id)
    for w, value in zip(weights, got if got is not None else [None] * 5):
        idx = np.repeat(np.arange(120), w.astype(int))
        expected = METRICS[name](y[idx], p[idx], ctx)
        assert (value is None) == (expected is None)
        if expected is not None:
            assert value == pytest.approx(expected, abs=1e-12)
