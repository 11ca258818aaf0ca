"""What the sequential and the parallel driver share: deciding that a trial needs no run here
(done earlier, or by another run since), the one-line summary of a finished trial, and the
model cards written after a record is safe."""

from __future__ import annotations

from harness.execution.backfill import backfill_test_metrics
from harness.execution.progress import Progress
from harness.methods.context import SuiteSettings
from harness.methods.registry import METHODS
from harness.store.record import TrialRecord
from harness.store.store import ResultsStore
from harness.trial import Trial

POLL_S = 1.0  # how often a driver looks again at trials another run holds


def summary(record: TrialRecord) -> str:
    """`ok (accuracy 0.9, ...; 3.1 s)` or `failed: Type: message` for a progress line."""
    if record.status != "ok":
        return f"{record.status}: {record.error.type}: {record.error.message}" if record.error \
            else record.status
    scores = METHODS[record.method].headline(record) if record.method in METHODS \
        else record.metrics.get("test", {})
    shown = ", ".join(f"{k} {v:.4f}" for k, v in scores.items() if v is not None)
    retried = f"; after out of memory: batch {record.attempts[-1]['batch_size']} × accumulation " \
              f"{record.attempts[-1]['gradient_accumulation_steps']}" if record.attempts else ""
    return f"ok ({shown}; {record.timing.total_wall_s:.1f} s{retried}){tracking_note(record)}"


def tracking_note(record: TrialRecord) -> str:
    """`; tracker failed: mlflow (training: ...)` when a tracker failed on this trial."""
    failed = [f"{name} ({o.error})" for name, o in record.tracking.items() if o.status != "ok"]
    return f"; tracker failed: {'; '.join(failed)}" if failed else ""


def model_cards(record: TrialRecord, store: ResultsStore, echo) -> None:
    """A saved model gets its card after the record is safe; a card failure only warns."""
    if "model" not in record.artifacts:
        return
    from harness.modelcard import refresh_model_cards

    try:
        refresh_model_cards(record, store)
    except Exception as e:  # the trial's result is already stored; say what went wrong
        echo(f"warning: model card of {record.trial_id} not written: {type(e).__name__}: {e}")


def already_settled(store: ResultsStore, trial: Trial, suite: SuiteSettings, seen: dict,
                    progress: Progress, echo, prefix: str) -> str | None:
    """The outcome of a trial that needs no run here, echoed and counted: another run finished
    it since we saw it claimed ('elsewhere', or that run's failed/diverged status), or an earlier
    run stored it ('skipped'; missing test metrics are added from its stored predictions).
    None when it is still to run."""
    theirs = result_of_other_run(store, trial, seen)
    if theirs is not None:
        echo(f"{prefix}: done by another run: {summary(theirs)}")
        progress.finish(trial.trial_id, theirs.status == "ok")
        return "elsewhere" if theirs.status == "ok" else theirs.status
    done = store.finished(trial.trial_id, trial.key)
    if done is None:
        for rel, problem in damaged_files(store, trial) if trial.trial_id not in seen else ():
            echo(f"{prefix}: {rel} is damaged ({problem}): runs again (the damaged file is "
                 "moved to damaged/)")
        return None
    progress.skip(trial.trial_id)
    added = backfill_test_metrics(done, trial, suite, store)
    echo(f"{prefix}: done earlier, skipped"
         + (f"; added {', '.join(added)} from stored test predictions" if added else ""))
    return "skipped"


def damaged_files(store: ResultsStore, trial: Trial) -> list[tuple[str, str]]:
    """(path, problem) of this trial's stored files the store found damaged."""
    mine = (f"records/{trial.trial_id}.json", f"predictions/{trial.trial_id}.npz")
    return [(rel, store.damaged[rel]) for rel in mine if rel in store.damaged]


def result_of_other_run(store: ResultsStore, trial: Trial, seen: dict) -> TrialRecord | None:
    """The record another run wrote for a trial since we saw it holding the claim (`seen`:
    trial_id -> when), if any."""
    path = store.record_path(trial.trial_id)
    if trial.trial_id not in seen or not path.is_file():
        return None
    record = store.read_record(trial.trial_id)
    fresh = path.stat().st_mtime >= seen[trial.trial_id] - 1
    if record and record.key == trial.key and fresh and record.status in ("ok", "failed", "diverged"):
        return record
    return None
