"""`local --jobs N`: each trial in its own process, N at a time, on this machine.

A fresh process per trial (multiprocessing, forked from a fork server that imported torch,
transformers and datasets once: harness.execution.preload) means a crash, an OOM kill or a leaked
CUDA context ends that process only; the driver sees the process exit without a result and the
dispatcher retries the trial. concurrent.futures' ProcessPoolExecutor is not used: one dead
worker breaks the whole pool there, failing every trial in flight with it.

GPUs: slot i gets CUDA_VISIBLE_DEVICES = the i-th visible GPU (round robin when N exceeds them).
CPU: torch threads = cores // N per trial (at least 1).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from multiprocessing.connection import wait as wait_ready

from harness.execution.backend import WorkerDied


def visible_gpus() -> list[str]:
    """GPU ids this process may use, without importing torch (nvidia-smi's count otherwise)."""
    env = os.environ.get("CUDA_VISIBLE_DEVICES")
    if env is not None:
        return [g.strip() for g in env.split(",") if g.strip() and g.strip() != "-1"]
    import shutil
    import subprocess

    if not shutil.which("nvidia-smi"):
        return []
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=index", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in out.stdout.splitlines() if line.strip().isdigit()]


def _child(conn, fn, job):
    # Own process group: a terminal's Ctrl-C reaches the driver only, which forwards exactly one
    # SIGINT (a second one would abort the trial instead of recording it interrupted).
    os.setpgrp()
    try:
        result = fn(job)
    except KeyboardInterrupt:  # a second Ctrl-C: nothing to send
        return
    conn.send(result)
    conn.close()


class ProcessBackend:
    name = "local"

    def __init__(self, jobs: int, fn=None, gpus: list[str] | None = None):
        from harness.execution.worker import run_trial_job

        self.fn = fn or run_trial_job
        self.gpus = visible_gpus() if gpus is None else gpus
        self.slots = jobs
        self.threads = max(1, (os.cpu_count() or 1) // jobs)
        # Fork server, not spawn: a spawned process re-imports torch and transformers for every
        # trial (measured: ~15 s per tiny trial on 2 busy cores, against ~1.5 s in process).
        self.ctx = mp.get_context("forkserver")
        self.ctx.set_forkserver_preload(["harness.execution.preload"])
        self.free = list(range(jobs))
        self.live: dict = {}  # job id -> (job, process, parent conn, slot)

    def submit(self, item) -> None:
        slot = self.free.pop(0)
        job = item.payload
        if hasattr(job, "env"):
            # The fork server keeps the environment it started with: send the driver's current one.
            job.env = {**os.environ, **job.env, "OMP_NUM_THREADS": str(self.threads)}
            if self.gpus:
                job.env["CUDA_VISIBLE_DEVICES"] = self.gpus[slot % len(self.gpus)]
            job.threads = job.threads or self.threads
        parent, child = self.ctx.Pipe(duplex=False)
        proc = self.ctx.Process(target=_child, args=(child, self.fn, job), daemon=True,
                                name=f"harness-trial-{item.id}")
        proc.start()
        child.close()
        self.live[item.id] = (item, proc, parent, slot)

    def wait(self, timeout: float) -> list[tuple]:
        """(item, result or WorkerDied) for every trial that ended within `timeout` seconds."""
        if not self.live:
            return []
        handles = {}
        for key, (_, proc, conn, _) in self.live.items():
            handles[conn] = key
            handles[proc.sentinel] = key
        done = {handles[h] for h in wait_ready(list(handles), timeout)}
        out = []
        for key in done:
            item, proc, conn, slot = self.live.pop(key)
            try:
                result = conn.recv() if conn.poll() else None
            except (EOFError, OSError):
                result = None
            proc.join(timeout=30)
            if result is None:
                code = proc.exitcode
                how = f"killed by signal {-code} ({signal.Signals(-code).name})" \
                    if code is not None and code < 0 else f"exited with code {code}"
                result = WorkerDied(f"worker process {proc.pid} {how} during the trial")
            conn.close()
            self.free.append(slot)
            out.append((item, result))
        return out

    def interrupt(self) -> None:
        """Forward Ctrl-C: each trial stops after its current step and returns an interrupted record."""
        for _, proc, _, _ in self.live.values():
            if proc.is_alive():
                os.kill(proc.pid, signal.SIGINT)

    def cancel(self) -> list:
        """Kill whatever still runs; the items, so the driver can record them interrupted."""
        items = []
        for item, proc, conn, slot in self.live.values():
            proc.kill()
            proc.join(timeout=10)
            conn.close()
            items.append(item)
        self.live.clear()
        return items

    def close(self) -> None:
        self.cancel()
