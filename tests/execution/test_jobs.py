"""`harness run --jobs N`: trials in worker processes, the driver alone writing the store; same
results as the in-process local run; a killed worker retried; a run resumes across executors."""

from __future__ import annotations

import threading
import time

import psutil
import pytest
import torch
from conftest import assert_one_worker_retried, tiny_suite

from harness.cli import main
from harness.store.store import ResultsStore

LR = "3.0e-3"


def _suite(write_suite, tiny_bert, english_data, **kw):
    return write_suite(tiny_suite(tiny_bert, english_data, schedulers=("linear", "cosine"),
                                  epochs=1, learning_rate=LR, **kw))


def _metrics(results):
    return {r.trial_id: r.metrics for r in ResultsStore(results).records()}


@pytest.mark.slow  # worker processes training tiny models
def test_jobs_equal_to_local_and_resume_across_executors(write_suite, tiny_bert, english_data,
                                                         tmp_path, monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path / "cache"))
    suite = _suite(write_suite, tiny_bert, english_data, extra_training="  save_model: true")
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)  # --jobs 2 on this machine gives each worker cores // 2 threads
        assert main(["run", str(suite), "--results-dir", str(tmp_path / "local")]) == 0
    finally:
        torch.set_num_threads(threads)
    if (psutil.cpu_count() or 1) // 2 != 1:
        pytest.skip("the equal-metrics check needs 1 torch thread per worker (a 2- or 3-core machine)")
    assert main(["run", str(suite), "--results-dir", str(tmp_path / "jobs"), "--jobs", "2"]) == 0
    local, jobs = _metrics(tmp_path / "local"), _metrics(tmp_path / "jobs")
    assert set(local) == set(jobs) and len(local) == 3
    for trial_id, metrics in local.items():
        for split, values in metrics.items():
            for name, value in values.items():
                assert jobs[trial_id][split][name] == pytest.approx(value, abs=1e-6), (trial_id, name)
    store = ResultsStore(tmp_path / "jobs")
    for r in store.records():  # artifacts arrived through the driver
        for rel in r.artifacts.values():
            assert (store.root / rel).exists(), rel
    assert not list((tmp_path / "jobs" / "claims").glob("*.claim"))
    # Resume with the other executor: nothing to train.
    assert main(["run", str(suite), "--results-dir", str(tmp_path / "jobs")]) == 0
    assert {r.trial_id: r.run_id for r in store.records()} == \
        {r.trial_id: r.run_id for r in ResultsStore(tmp_path / "jobs").records()}


def _kill_first_worker(parent: psutil.Process, tmp, killed: list, stop: threading.Event):
    """SIGKILL one trial worker once a trial has started: workers make their staging dir
    (harness-worker-*, under $TMPDIR) after their imports, right before the trial runs."""
    while not stop.is_set():
        if any(tmp.glob("harness-worker-*")):
            time.sleep(0.3)  # inside the trial
            servers = [c for c in parent.children() if "forkserver" in " ".join(c.cmdline())]
            workers = [w for server in servers for w in server.children()]  # forked trials
            if workers:
                victim = max(workers, key=lambda c: c.cpu_times().user)
                victim.kill()
                killed.append(victim.pid)
                return
        time.sleep(0.05)


def _run_killing_one(tmp_path, monkeypatch, argv):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))  # the workers' tempdir
    killed, stop = [], threading.Event()
    killer = threading.Thread(target=_kill_first_worker, args=(psutil.Process(), tmp, killed, stop))
    killer.start()
    try:
        code = main(argv)
    finally:
        stop.set()
        killer.join()
    return code, killed


@pytest.mark.slow  # worker processes training tiny models
def test_killed_worker_is_retried(write_suite, tiny_bert, english_data, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path / "cache"))
    suite = _suite(write_suite, tiny_bert, english_data)
    code, killed = _run_killing_one(tmp_path, monkeypatch, ["run", str(suite), "--results-dir",
                                                            str(tmp_path / "r"), "--jobs", "2"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert_one_worker_retried(tmp_path / "r", out, killed)
    retried = [r for r in ResultsStore(tmp_path / "r").records() if r.worker_deaths]
    assert "SIGKILL" in retried[0].worker_deaths[0]


@pytest.mark.slow  # worker processes training tiny models
def test_retries_zero_records_failure(write_suite, tiny_bert, english_data, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path / "cache"))
    suite = _suite(write_suite, tiny_bert, english_data)
    code, killed = _run_killing_one(tmp_path, monkeypatch, ["run", str(suite), "--results-dir",
                                                            str(tmp_path / "r"), "--jobs", "2",
                                                            "--retries", "0"])
    assert len(killed) == 1
    assert code == 1
    failed = [r for r in ResultsStore(tmp_path / "r").records() if r.status == "failed"]
    assert len(failed) == 1 and failed[0].error.type == "WorkerDied"
    assert "worker died 1 times (retries: 0)" in failed[0].error.message
    assert len(failed[0].worker_deaths) == 1


@pytest.mark.parametrize("argv, message", [
    (["--jobs", "0"], "--jobs: must be >= 1"),
    (["--retries", "-1"], "--retries: must be >= 0"),
    (["--address", "auto"], "--address: applies to --executor ray only"),
    (["--executor", "ray", "--jobs", "2"], "--jobs: applies to --executor local only"),
])
def test_bad_executor_flags(write_suite, tiny_bert, english_data, tmp_path, capsys, argv, message):
    suite = _suite(write_suite, tiny_bert, english_data)
    assert main(["run", str(suite), "--results-dir", str(tmp_path / "r"), *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


@pytest.mark.slow  # worker processes training tiny models
def test_sigint_with_jobs_records_running_as_interrupted_and_resumes_locally(tmp_path, tiny_bert,
                                                                            english_data):
    """Ctrl-C on the driver of `--jobs 2`: both running trials stop after a step and come back
    interrupted, the queued baseline is not started, exit 130; a sequential rerun finishes."""
    import os
    import signal
    import subprocess
    import sys

    from conftest import REPO

    suite = tmp_path / "suite.yaml"
    suite.write_text(tiny_suite(tiny_bert, english_data, schedulers=("linear", "cosine"),
                                extra_training="  max_steps: 250"), encoding="utf-8")
    results = tmp_path / "results"
    env = dict(os.environ, PYTHONPATH=str(REPO), HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1",
               TMPDIR=str(tmp_path))

    def start(*extra):
        return subprocess.Popen([sys.executable, "-m", "harness", "run", str(suite), "--results-dir",
                                 str(results), *extra], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)

    proc = start("--jobs", "2")
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("harness-worker-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)  # both workers past their imports, inside their trials
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    out = proc.communicate(timeout=180)[0]
    assert proc.returncode == 130, out
    records = {r.scheduler or "majority": r for r in ResultsStore(results).records()}
    assert set(records) == {"linear", "cosine"}, out  # the baseline was never started
    for r in records.values():
        assert r.status == "interrupted", out
        assert r.error.message.startswith("stopped by Ctrl-C (SIGINT) after step "), r.error
    assert "2 interrupted" in out and "1 not started" in out
    assert not list((results / "claims").glob("*.claim"))
    rerun = start()  # the sequential local executor resumes what --jobs left
    out = rerun.communicate(timeout=600)[0]
    assert rerun.returncode == 0, out
    assert {r.status for r in ResultsStore(results).records()} == {"ok"}
