"""Ctrl-C: a real `harness run` subprocess gets SIGINT while a trial trains; it stops after the
current step, records that trial as interrupted, reports the trials it did not start, exits 130;
a rerun redoes the interrupted trial and skips the finished one."""

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

pytestmark = pytest.mark.slow  # end to end: trains tiny models in a subprocess


def _start(suite, results):
    env = dict(os.environ, PYTHONPATH=str(REPO), HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "harness", "run", str(suite), "--results-dir",
                             str(results)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def test_sigint_stops_after_the_step_and_rerun_redoes(tmp_path, tiny_bert, english_data):
    suite = tmp_path / "suite.yaml"
    suite.write_text(tiny_suite(tiny_bert, english_data, schedulers=("linear", "cosine"),
                                extra_training="  max_steps: 120"),
                     encoding="utf-8")
    results = tmp_path / "results"
    proc = _start(suite, results)
    lines = []
    for line in proc.stdout:  # wait until the first fine-tune has started
        lines.append(line)
        if "finetune × linear" in line and line.rstrip().endswith("..."):
            break
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    out = "".join(lines) + proc.stdout.read()
    assert proc.wait(timeout=120) == 130, out
    assert "stopping after the current step" in out
    records = {r.scheduler or "majority": r for r in ResultsStore(results).records()}
    assert records["majority"].status == "ok"
    interrupted = records["linear"]
    assert interrupted.status == "interrupted", out
    assert interrupted.error.message.startswith("stopped by Ctrl-C (SIGINT) after step ")
    step = int(interrupted.error.message.split("after step ")[1].split()[0])
    assert 1 <= step < 120 and interrupted.metrics == {}
    assert "cosine" not in records  # not started, and said so
    assert "1 interrupted" in out and "1 not started" in out
    run = json.loads(next((results / "runs").glob("*.json")).read_text())
    assert run["status"] == "interrupted" and run["counts"]["not started"] == 1
    assert not list(results.rglob("*.tmp")) and not list((results / "claims").glob("*.claim"))

    rerun = _start(suite, results)
    out = rerun.communicate(timeout=300)[0]
    assert rerun.returncode == 0, out
    assert out.count("done earlier, skipped") == 1  # the majority baseline only
    assert {r.status for r in ResultsStore(results).records()} == {"ok"}
