"""Longest-first scheduling, its makespan simulation and the progress view (no training)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from conftest import tiny_suite

from harness.execution.progress import Progress
from harness.execution.scheduling import estimates, ideal_makespan, longest_first, simulate
from harness.plan.trials import build_plan
from harness.suite.loader import load_suite


def _record(trial, seconds, status="ok"):
    return SimpleNamespace(status=status, trial_id=trial.trial_id, method=trial.method,
                           model_name=trial.model.display_name if trial.model else None,
                           dataset_name=trial.dataset.name, timing=SimpleNamespace(total_wall_s=seconds))


def test_estimates_order_and_refinement(write_suite, tiny_bert, english_data):
    loaded = load_suite(write_suite(tiny_suite(tiny_bert, english_data, schedulers=("linear", "cosine"),
                                               seeds=(1, 2), epochs=2)))
    trials = build_plan(loaded.suite)
    raw = estimates(trials, loaded.suite)
    baseline = next(t for t in trials if t.method == "majority")
    tunes = [t for t in trials if t.method == "finetune"]
    assert raw[baseline.trial_id] < min(raw[t.trial_id] for t in tunes)
    assert longest_first(trials, raw)[-1] is baseline
    # Measured records of the same (model, dataset, method) replace the raw estimate in seconds;
    # the rest are scaled by the measured seconds per unit.
    refined = estimates(trials, loaded.suite, [_record(tunes[0], 12.0), _record(baseline, 0.5)])
    assert all(refined[t.trial_id] == pytest.approx(12.0) for t in tunes)
    assert refined[baseline.trial_id] == pytest.approx(0.5)


def test_simulate_longest_first_against_ideal():
    durations = [6.0, 6, 5, 5, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2] + [1.0] * 16
    assert ideal_makespan(durations, 8) == 8.75
    assert simulate(sorted(durations, reverse=True), 8) == 9.0
    assert simulate(sorted(durations), 8) == 11.0  # shortest first: 26 % over the ideal
    assert simulate([5.0, 1, 1], 1) == 7.0 and ideal_makespan([5.0, 1, 1], 4) == 5.0


def test_progress_line_and_eta(monkeypatch):
    now = [100.0]
    monkeypatch.setattr("harness.execution.progress.time.monotonic", lambda: now[0])
    lines = []
    p = Progress(4, {"a": 10.0, "b": 10.0, "c": 20.0, "d": 1.0}, slots=2, echo=lines.append)
    p.skip("d")
    p.start("a")
    p.start("b")
    assert "ETA" not in p.line()  # nothing measured yet
    now[0] += 5.0
    p.finish("a", ok=True, seconds=5.0)  # took half its estimate: the rest is scaled by 0.5
    # b: 10 * 0.5 - 5 s already run = 0; c: 20 * 0.5 = 10; over 2 slots, but c alone takes 10.
    assert p.eta_s() == pytest.approx(10.0)
    p.show()
    assert lines == ["harness: progress: 2 done · 1 running · 0 failed · 1 remaining · 0m05s "
                     "elapsed · ETA 0m10s"]
