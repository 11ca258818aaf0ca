"""The nightly false-alarm rate, guarded: noise-only nights compared pairwise must rarely be
flagged, and an injected regression must be.

A seeded, synthetic version of tests/benchmarks/nightly_simulation.py (which trains tiny BERTs
and takes minutes): each night stores 3 seeds per model whose test accuracies scatter around a
fixed quality with a seed-to-seed spread larger than test-set sampling noise (what tiny models
show: a paired bootstrap over test examples alone flagged 80 % of such noise rows, DEVELOPERS.md).
`harness compare`'s rule on the main metric, MCC (a paired bootstrap over test examples and
Welch's t over seeds; no McNemar, which guards accuracy rows) must keep the false-alarm rate at
the 5 % target. A few seconds of work; the bound fails if the rule loses its seed-level test
(bootstrap alone flags 3 of these 20 rows, 15 %).
"""

from __future__ import annotations

import itertools

import numpy as np
from report_data import write_run

from harness.compare.rows import compare_runs

QUALITY = {"alpha": 0.75, "beta": 0.60}
SPREAD = 0.05  # seed-to-seed sd of accuracy; test-set sampling sd at n=300 is about 0.028
N_TEST, SEEDS, NIGHTS = 300, 3, 5
BOUND = 0.05


def night(root, n: int, rng, drop: float = 0.0):
    rows = [{"model": model, "scheduler": "linear", "seed": 100 * n + s,
             "accuracy": float(np.clip(quality - drop + rng.normal(0, SPREAD), 0.05, 0.95))}
            for model, quality in QUALITY.items() for s in range(SEEDS)]
    return write_run(root / f"night-{n}", rows + [{"method": "majority"}], n_test=N_TEST, seed=n,
                     metrics=("accuracy", "mcc"), main="mcc")


def flagged(comparison, want=("regressed", "improved")) -> tuple[int, int]:
    rows = [r for r in comparison.rows if r.metric == "mcc" and r.model in QUALITY]
    return len(rows), sum(1 for r in rows if r.decision.verdict in want)


def test_noise_only_nights_stay_under_the_false_alarm_bound(tmp_path):
    rng = np.random.default_rng(2026)
    nights = [night(tmp_path, n, rng) for n in range(1, NIGHTS + 1)]
    rows = flags = 0
    for a, b in itertools.combinations(nights, 2):
        n, f = flagged(compare_runs(a, b, n_boot=200))
        rows, flags = rows + n, flags + f
    assert rows == 2 * NIGHTS * (NIGHTS - 1) // 2
    assert flags / rows <= BOUND, f"{flags} of {rows} noise-only rows flagged"
    injected = night(tmp_path, 99, rng, drop=0.15)  # both models 15 points worse
    n, hits = flagged(compare_runs(nights[-1], injected, n_boot=200), want=("regressed",))
    assert hits == n == 2
