"""Reuse across runs under a history ROOT: a planned trial whose key already has an ok record in
an earlier run dir is copied into the new run dir (record + test predictions), marked
`reused_from`, and the executor then skips it as done. Nothing is retrained unless --force."""

from __future__ import annotations

import os
from pathlib import Path

from harness.errors import HarnessError
from harness.history.runs import run_dirs
from harness.store.store import ResultsStore


def reuse_earlier(root: Path, new_dir: Path, trials, warn=print) -> list[str]:
    """Copy ok records of the planned trials from the newest earlier run dir that has one.
    Returns the reused trial ids."""
    new_store = ResultsStore(new_dir)
    earlier = [d for d in run_dirs(root, warn) if d.path.resolve() != new_dir.resolve()]
    reused = []
    for trial in trials:
        if new_store.finished(trial.trial_id, trial.key):
            continue
        for run in reversed(earlier):  # newest first
            store = ResultsStore(run.path)
            try:
                record = store.finished(trial.trial_id, trial.key)  # ok, same key, intact
            except HarnessError as e:  # a record of a newer schema version
                warn(f"skipped record {e}")
                continue
            for rel, problem in store.damaged.items():
                kind = "record" if rel.startswith("records/") else "file"
                warn(f"skipped corrupt {kind} {store.root / rel}: {problem}")
            store.damaged.clear()
            if record is None:
                continue
            _copy(record, store, new_store)
            reused.append(trial.trial_id)
            break
    return reused


def _copy(record, source: ResultsStore, target: ResultsStore) -> None:
    src_path = source.record_path(record.trial_id)
    origin = (src_path.parent.parent / record.reused_from).resolve() if record.reused_from \
        else src_path.resolve()  # a chain of reuses points at the run that computed it
    artifacts = {}
    rel = record.artifacts.get("predictions")
    if rel:  # intact: source.finished checked it
        target.write_artifact(rel, (source.root / rel).read_bytes())
        artifacts["predictions"] = rel
    # A saved model is not copied (it can be gigabytes): the source run dir keeps it.
    copy = record.model_copy(update={
        "artifacts": artifacts,
        "reused_from": os.path.relpath(origin, target.root.resolve())})
    target.write_record(copy)
