"""Two real `harness run` processes on one results dir: every trial is computed exactly once,
nothing is overwritten, and both runs end with the full result."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from conftest import REPO, tiny_suite

from harness.store.store import ResultsStore

pytestmark = pytest.mark.slow  # end to end: trains tiny models in two processes


def test_two_runs_share_one_results_dir(tmp_path, tiny_bert, english_data):
    suite = tmp_path / "suite.yaml"
    suite.write_text(tiny_suite(tiny_bert, english_data, schedulers=("linear", "cosine"),
                                seeds=(1, 2, 3), extra_training="  max_steps: 40"),
                     encoding="utf-8")
    results = tmp_path / "results"
    env = dict(os.environ, PYTHONPATH=str(REPO), HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-m", "harness", "run", str(suite), "--results-dir", str(results)]
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    head = []
    for line in first.stdout:  # start the second run once the first is working
        head.append(line)
        if line.startswith("[1/7]"):
            break
    second = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    out_b = second.communicate(timeout=600)[0]
    out_a = "".join(head) + first.communicate(timeout=600)[0]
    assert first.returncode == 0, out_a
    assert second.returncode == 0, out_b
    started = {name: re.findall(r"^\[\d/7\] (.*) \.\.\.$", out, re.M)
               for name, out in (("a", out_a), ("b", out_b))}
    everything = started["a"] + started["b"]
    assert len(everything) == 7 and len(set(everything)) == 7, started  # each trial exactly once
    assert started["a"] and started["b"], started  # both really worked
    records = ResultsStore(results).records()
    assert len(records) == 7 and {r.status for r in records} == {"ok"}
    assert len({r.run_id for r in records}) == 2
    assert "done by another run" in out_a + out_b
    for out in (out_a, out_b):  # both end with the whole leaderboard
        board = out.split(": leaderboard (", 1)[1].split("\n## ", 1)[0]
        assert board.count("| topics ") == 3
    assert not list((results / "claims").glob("*.claim")) and not list(results.rglob("*.tmp"))
