"""One trial in a worker process (local --jobs or a Ray task); the driver writes the store.

The worker runs the same `execute` as the local executor, but against a private staging results
dir: everything the trial writes (predictions, a saved model, mteb JSON) lands there and is
sent back as bytes with the record; the driver then writes them into the real results dir
(atomically) and the record last. The on-disk caches (tokenized splits under `.cache`, probe
embeddings under `cache`) are shared instead: when the real results dir is reachable from the
worker, the staging dir links to its cache folders, whose entries are written by rename and are
safe to share between processes; on a node that cannot see it the caches stay node-local.

The module imports nothing heavy at import time: a spawned process sets its environment (GPU
pinning, thread counts) before torch loads.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

SHARED_CACHES = (".cache", "cache")  # not artifacts: shared, never sent back


@dataclass
class TrialJob:
    """What a worker needs; picklable (Trial and Suite are frozen pydantic/dataclass values)."""

    trial: object
    suite: object
    run_id: str
    results_root: str
    threads: int | None = None
    verbose: bool = False
    env: dict[str, str] = field(default_factory=dict)
    shipped: dict[str, object] = field(default_factory=dict)  # data path -> bytes (or a Ray ref)
    # a runtime trial's source record (trial_id -> record JSON), read by the trial from its
    # staging store as the local executor's trial reads it from the results dir
    sources: dict[str, dict] = field(default_factory=dict)


def _localise(trial, shipped: dict, staging: Path):
    """Data files this node cannot see are written from the bytes the driver shipped."""
    files = trial.dataset.files
    if not files:
        return trial
    new = {}
    for split, path in files.items():
        if os.path.isfile(path) or path not in shipped:
            new[split] = path  # missing and not shipped: loading reports it as a trial failure
            continue
        data = shipped[path]
        if not isinstance(data, bytes):  # a Ray object ref
            import ray

            data = ray.get(data)
        local = staging / "_data" / split / Path(path).name
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_bytes(data)
        new[split] = str(local)
    return replace(trial, dataset=trial.dataset.model_copy(update={"files": new}))


def _link_caches(staging: Path, results_root: str) -> None:
    for name in SHARED_CACHES:
        target = Path(results_root) / name
        try:
            target.mkdir(parents=True, exist_ok=True)
            (staging / name).symlink_to(target, target_is_directory=True)
        except OSError:
            pass  # results dir not reachable from this node: the cache stays node-local


def _stage_sources(store, sources: dict[str, dict]) -> None:
    from harness.store.record import TrialRecord

    for data in sources.values():
        store.write_record(TrialRecord.model_validate(data))


def _collect(staging: Path) -> dict[str, bytes]:
    out = {}
    for path in sorted(staging.rglob("*")):
        rel = path.relative_to(staging)
        if rel.parts[0] in SHARED_CACHES or rel.parts[0] in ("_data", ".scratch", "records") \
                or not path.is_file():  # records: the sources staged here, never sent back
            continue
        out[rel.as_posix()] = path.read_bytes()
    return out


def run_trial_job(job: TrialJob) -> dict:
    """Run one trial; return {"record": dict, "files": {relative path: bytes}, "pid", "host"}."""
    os.environ.update(job.env)
    tempfile.tempdir = None  # re-read TMPDIR: a forked process may carry its server's cached one
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # harness.cpu says why
    import torch

    from harness.execution.execute import execute
    from harness.execution.interrupt import stop_on_sigint
    from harness.methods.context import TrialContext
    from harness.quiet import quiet_libraries
    from harness.store.files import HOST
    from harness.store.store import ResultsStore

    if job.threads:
        torch.set_num_threads(job.threads)
    import transformers  # noqa: F401  (so quiet_libraries silences it too)

    quiet_libraries(job.verbose)
    staging = Path(tempfile.mkdtemp(prefix="harness-worker-"))
    try:
        _link_caches(staging, job.results_root)
        trial = _localise(job.trial, job.shipped, staging)
        ctx = TrialContext(suite=job.suite, store=ResultsStore(staging), run_id=job.run_id,
                           verbose=job.verbose)
        _stage_sources(ctx.store, job.sources)
        t0 = time.time()
        with stop_on_sigint(ctx.stop):  # Ctrl-C: the trial stops after a step, recorded interrupted
            record = execute(trial, ctx)
        return {"record": record.model_dump(mode="json"), "files": _collect(staging),
                "pid": os.getpid(), "host": HOST, "started": t0, "threads": torch.get_num_threads()}
    finally:
        shutil.rmtree(staging, ignore_errors=True)
