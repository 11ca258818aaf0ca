"""Per-trial claims: atomic, exclusive under races between processes, stale claims of dead
processes recovered, live ones respected (and waited for by a run)."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import subprocess
import threading
import time

import pytest
from conftest import tiny_suite

from harness.cli import main
from harness.store.claims import Claim, Claims
from harness.store.files import HOST
from harness.store.store import ResultsStore


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _write_claim(root, trial_id, pid, host=HOST, age_s=0.0):
    path = root / "claims" / f"{trial_id}.claim"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pid": pid, "host": host, "run_id": "other",
                                "started_at": "2020-01-01T00:00:00+00:00"}))
    if age_s:
        old = time.time() - age_s
        os.utime(path, (old, old))
    return path


def test_acquire_release(tmp_path):
    a, b = Claims(tmp_path, "run-a"), Claims(tmp_path, "run-b")
    assert a.acquire("t1") is None
    holder = b.acquire("t1")  # same pid here, but a live process holds it: not stale
    assert isinstance(holder, Claim) and holder.run_id == "run-a"
    a.release("t1")
    assert not (tmp_path / "claims" / "t1.claim").exists()
    assert b.acquire("t1") is None


def test_stale_claim_of_dead_process_is_recovered(tmp_path):
    dead = _dead_pid()
    _write_claim(tmp_path, "t1", dead)
    claims = Claims(tmp_path, "run")
    assert claims.acquire("t1") is None
    assert [(t, c.pid) for t, c in claims.recovered] == [("t1", dead)]
    assert json.loads((tmp_path / "claims" / "t1.claim").read_text())["pid"] == os.getpid()


def test_live_and_other_host_claims(tmp_path, monkeypatch):
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        _write_claim(tmp_path, "live", sleeper.pid)
        assert Claims(tmp_path, "run").acquire("live").pid == sleeper.pid
    finally:
        sleeper.kill()
        sleeper.wait()
    _write_claim(tmp_path, "fresh", 1, host="another-host")
    assert Claims(tmp_path, "run").acquire("fresh").host == "another-host"
    monkeypatch.setenv("HARNESS_CLAIM_TTL", "60")
    _write_claim(tmp_path, "old", 1, host="another-host", age_s=120)
    assert Claims(tmp_path, "run").acquire("old") is None  # heartbeat stopped: stale


def test_unreadable_claim_is_stale(tmp_path):
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "t1.claim").write_text("{not json")
    claims = Claims(tmp_path, "run")
    assert claims.acquire("t1") is None and claims.recovered == [("t1", None)]


def _contend(root, i, results, go):
    claims = Claims(root, f"run-{i}")
    results.put(claims.acquire("t1") is None)
    go.wait(30)  # stay alive (a live holder) until every process has tried


def _race(root, n=6) -> int:
    ctx = mp.get_context("fork")  # spawn would re-import torch in each child
    results, go = ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=_contend, args=(root, i, results, go)) for i in range(n)]
    for p in procs:
        p.start()
    won = sum(results.get(timeout=60) for _ in procs)
    go.set()
    for p in procs:
        p.join(30)
    return won


def test_race_between_processes_has_one_winner(tmp_path):
    assert _race(tmp_path) == 1


def test_race_to_take_over_a_stale_claim_has_one_winner(tmp_path):
    _write_claim(tmp_path, "t1", _dead_pid())
    assert _race(tmp_path) == 1


@pytest.mark.slow  # end to end: trains tiny models
def test_run_waits_for_a_live_claim_then_recovers_it(tmp_path, tiny_bert, english_data, capsys):
    suite = tmp_path / "suite.yaml"
    suite.write_text(tiny_suite(tiny_bert, english_data, extra_training="  max_steps: 3"),
                     encoding="utf-8")
    results = tmp_path / "results"
    assert main(["validate", str(suite)]) == 0
    from harness.plan.trials import build_plan
    from harness.suite.loader import load_suite

    trials = build_plan(load_suite(suite).suite)
    sleeper = subprocess.Popen(["sleep", "60"])
    _write_claim(results, trials[0].trial_id, sleeper.pid)  # a live run holds the baseline
    _write_claim(results, trials[1].trial_id, _dead_pid())  # a killed run held the fine-tune
    timer = threading.Timer(3.0, sleeper.kill)
    timer.start()
    try:
        assert main(["run", str(suite), "--results-dir", str(results)]) == 0
    finally:
        timer.cancel()
        sleeper.kill()
        sleeper.wait()
    out = capsys.readouterr().out
    assert f"claimed by pid {sleeper.pid}" in out and "waiting for it" in out
    assert out.count("recovered the stale claim") == 2
    assert {r.status for r in ResultsStore(results).records()} == {"ok"}
    assert not list((results / "claims").glob("*.claim"))
