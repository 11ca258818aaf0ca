"""One bad trial never stops the others: a run where one trial fails, one diverges, one runs out
of memory until batch 4 (and recovers) and one runs out of memory at every batch (and gives up)
finishes the rest, exits 1 and reports each with its reason. OOM and NaN are injected with the
documented HARNESS_SIMULATE_* variables (harness.faults)."""

from __future__ import annotations

import pytest
from conftest import tiny_suite

from harness.cli import main
from harness.execution.retry import smaller_batch
from harness.faults import rule_for
from harness.store.store import ResultsStore

SCHEDULERS = ("linear", "cosine", "constant", "polynomial", "constant_with_warmup")


@pytest.fixture(scope="module")
def faulty_run(tmp_path_factory, tiny_bert, english_data):
    root = tmp_path_factory.mktemp("faults")
    suite = root / "suite.yaml"
    suite.write_text(tiny_suite(tiny_bert, english_data, schedulers=SCHEDULERS, epochs=1),
                     encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("HARNESS_SIMULATE_FAIL", "*__cosine__*")
    mp.setenv("HARNESS_SIMULATE_NAN", "*__constant__*@3")
    mp.setenv("HARNESS_SIMULATE_OOM", "*__polynomial__*@4,*__constant_with_warmup__*")
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["run", str(suite), "--results-dir", str(root / "results")])
    mp.undo()
    records = {r.scheduler or "majority": r for r in ResultsStore(root / "results").records()}
    return code, out.getvalue(), records


@pytest.mark.slow  # end to end: trains tiny models
def test_exit_code_and_statuses(faulty_run):
    code, out, records = faulty_run
    assert code == 1
    assert {k: r.status for k, r in records.items()} == {
        "majority": "ok", "linear": "ok", "cosine": "failed", "constant": "diverged",
        "polynomial": "ok", "constant_with_warmup": "failed"}
    assert "harness: outcomes: 3 ok, 2 failed, 1 diverged" in out
    assert "fault injection HARNESS_SIMULATE_OOM=" in out  # injected faults are never silent


@pytest.mark.slow  # end to end: trains tiny models
def test_failed_and_diverged_have_reasons_and_no_scores(faulty_run):
    _, out, records = faulty_run
    failed, diverged = records["cosine"], records["constant"]
    assert failed.error.type == "RuntimeError" and "simulated failure" in failed.error.message
    assert diverged.error.type == "Diverged" and "nan" in diverged.error.message
    for r in (failed, diverged, records["constant_with_warmup"]):
        assert r.metrics == {} and "predictions" not in r.artifacts  # never a score
    # Training stopped at the first logged NaN, not after all the steps.
    steps = [e["step"] for e in diverged.log_history if "step" in e]
    assert max(steps) <= 5, steps


@pytest.mark.slow  # end to end: trains tiny models
def test_oom_retries_keep_the_effective_batch(faulty_run):
    _, _, records = faulty_run
    r = records["polynomial"]
    assert [(a["batch_size"], a["gradient_accumulation_steps"], a["outcome"]) for a in r.attempts] == [
        (16, 1, "out of memory"), (8, 2, "out of memory"), (4, 4, "ok")]
    assert "OutOfMemoryError" in r.attempts[0]["reason"]
    # Same effective batch: as many optimizer steps as the trial that ran at batch 16.
    last_step = {k: max(e["step"] for e in records[k].log_history) for k in ("polynomial", "linear")}
    assert last_step["polynomial"] == last_step["linear"] == 15
    assert records["linear"].attempts == []


@pytest.mark.slow  # end to end: trains tiny models
def test_oom_gives_up_at_batch_one(faulty_run):
    _, _, records = faulty_run
    r = records["constant_with_warmup"]
    assert r.error.type == "OutOfMemoryGaveUp"
    assert [a["batch_size"] for a in r.attempts] == [16, 8, 4, 2, 1]
    assert [a["gradient_accumulation_steps"] for a in r.attempts] == [1, 2, 4, 8, 16]
    assert "16×1, 8×2, 4×4, 2×8, 1×16" in r.error.message


@pytest.mark.slow  # end to end: trains tiny models
def test_report_lists_each_problem_with_its_reason(faulty_run):
    _, out, records = faulty_run
    report = out[out.index("## "):]
    for key, reason in (("cosine", "RuntimeError: simulated failure"),
                        ("constant", "Diverged: loss became nan"),
                        ("constant_with_warmup", "OutOfMemoryGaveUp: out of memory even at batch 1")):
        assert f"- {records[key].status}: {records[key].trial_id}: {reason}" in report, report
    assert f"- retried: {records['polynomial'].trial_id}: OutOfMemoryError" in report
    assert "ran at batch 4 × accumulation 4 after 2 out-of-memory attempt(s)" in report


@pytest.mark.parametrize("batch, expected", [(16, 8), (12, 6), (6, 3), (3, 1), (7, 1), (2, 1)])
def test_smaller_batch_divides(batch, expected):
    assert smaller_batch(batch) == expected and batch % expected == 0


def test_fault_rules(monkeypatch):
    monkeypatch.setenv("HARNESS_SIMULATE_OOM", "a__*@4, b__x")
    assert rule_for("HARNESS_SIMULATE_OOM", "a__1", 0) == 4
    assert rule_for("HARNESS_SIMULATE_OOM", "b__x", 0) == 0
    assert rule_for("HARNESS_SIMULATE_OOM", "c__x", 0) is None
    monkeypatch.delenv("HARNESS_SIMULATE_OOM")
    assert rule_for("HARNESS_SIMULATE_OOM", "a__1", 0) is None
