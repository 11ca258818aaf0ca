"""An Optuna search (suite `search:`) on the tiny model: killed with SIGKILL mid-search and
resumed, no finished trial is computed again, the study ends with the right number of finished
proposals, and pruned trials show in the records and the search table."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import REPO, tiny_suite

from harness.store.store import ResultsStore

optuna = pytest.importorskip("optuna", reason="the [search] extra (optuna) is not installed")

SEARCH = """
search:
  sampler: random
  n_trials: 6
  seed: 1
  startup_trials: 2
  space:
    learning_rate: {low: 1.0e-3, high: 3.0e-2, log: true}
"""


def _suite(write_suite, tiny_bert, english_data):
    text = tiny_suite(tiny_bert, english_data, name="tinysearch", learning_rate="1.0e-3",
                      extra_training="  eval_strategy: epoch",
                      metrics="[accuracy, f1_macro, mcc]") + "main_metric: f1_macro\n" + SEARCH
    return write_suite(text.replace("  learning_rate: 1.0e-3\n", ""))


def _harness(*argv) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "harness", *argv], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _finetune_records(results):
    return {r.trial_id: r for r in ResultsStore(results).records() if r.method == "finetune"}


@pytest.mark.slow  # two harness processes, one killed: ~10 tiny fine-tunes (~30 s)
def test_search_killed_with_sigkill_resumes_without_recomputing(write_suite, tiny_bert,
                                                                english_data, tmp_path):
    suite, results = _suite(write_suite, tiny_bert, english_data), tmp_path / "results"
    proc = _harness("run", str(suite), "--results-dir", str(results))
    deadline = time.time() + 300
    while time.time() < deadline:  # kill while a fine-tune holds its claim, after 2 finished
        claims = list((results / "claims").glob("tiny__*.claim")) \
            if (results / "claims").is_dir() else []
        if len(_finetune_records(results)) >= 2 and claims:
            break
        if proc.poll() is not None:
            pytest.fail("the search ended before it could be killed:\n" + proc.stdout.read())
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = {tid: r.started_at for tid, r in _finetune_records(results).items()}
    url = f"sqlite:///{results / 'search.db'}"
    name = optuna.get_all_study_names(url)[0]
    states = [t.state.name for t in optuna.load_study(study_name=name, storage=url).trials]
    assert "RUNNING" in states, states  # what the kill left behind

    proc = _harness("run", str(suite), "--results-dir", str(results))
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out
    assert "left running by a process that is gone" in out
    after = _finetune_records(results)
    assert all(after[tid].started_at == started for tid, started in before.items()), \
        "a finished trial was computed again"
    run = json.loads(sorted((results / "runs").glob("*Z-*.json"))[-1].read_text())
    assert all(run["outcomes"].get(tid) in ("skipped", None) for tid in before), run["outcomes"]

    study = optuna.load_study(study_name=name, storage=url)
    finished = [t for t in study.trials if t.state.name in ("COMPLETE", "PRUNED", "FAIL")
                and t.number not in {x.user_attrs.get("requeued_from") for x in study.trials}]
    assert len(finished) == 6, [(t.number, t.state.name) for t in study.trials]
    assert not [t for t in study.trials if t.state.name in ("RUNNING", "WAITING")]
    pruned = [r for r in after.values() if r.status == "pruned"]
    assert pruned and all(r.error.type == "Pruned" for r in pruned)
    assert len(pruned) == sum(t.state.name == "PRUNED" for t in finished)
    board = (results / "leaderboard.md").read_text(encoding="utf-8")
    search = board.split("configurations (validation f1_macro chooses")[1].split("\n## ")[0]
    assert search.count("excluded: pruned") == len(pruned), search
    assert search.count("✓ selected") == 1
