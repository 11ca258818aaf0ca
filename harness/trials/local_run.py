"""The local executor's loop, safe under kill -9, Ctrl-C and concurrent runs on one results dir.

- A trial whose key has an ok record is skipped (never recomputed).
- Any other trial is claimed first (harness.store.claims); a trial another live run holds is
  passed over and waited for at the end; its result is taken from that run's record (ok, failed
  or diverged) and it is run here only if that run left no result (killed or interrupted).
- Ctrl-C stops after the current training step: that trial is recorded `interrupted`, the trials
  not started are reported as such, and the run exits 130.
"""

from __future__ import annotations

import shutil
import time

from harness.faults import active as active_faults
from harness.methods.context import TrialContext
from harness.methods.registry import METHODS
from harness.store.claims import Claims
from harness.store.sweep import sweep
from harness.trials.interrupt import stop_on_sigint
from harness.trials.progress import Progress
from harness.trials.scheduling import estimates

POLL_S = 1.0


def _summary(record) -> str:
    if record.status != "ok":
        return f"{record.status}: {record.error.type}: {record.error.message}" if record.error \
            else record.status
    test = METHODS[record.method].headline(record)
    shown = ", ".join(f"{k} {v:.4f}" for k, v in test.items() if v is not None)
    retried = f"; after out of memory: batch {record.attempts[-1]['batch_size']} × accumulation " \
              f"{record.attempts[-1]['gradient_accumulation_steps']}" if record.attempts else ""
    return f"ok ({shown}; {record.timing.total_wall_s:.1f} s{retried})"


def run_trials(trials, suite, store, run_id, *, verbose=False, echo=print) -> dict[str, str]:
    from harness.trials.execute import execute

    for line in sweep(store.root):
        echo(f"harness: {line}")
    for name, value in active_faults().items():
        echo(f"harness: warning: fault injection {name}={value} is set")
    ctx = TrialContext(suite=suite, store=store, run_id=run_id, verbose=verbose)
    claims = Claims(store.root, run_id)
    outcomes: dict[str, str] = {}
    elsewhere: dict[str, float] = {}  # trial_id -> when we first saw another run holding it
    width = len(str(len(trials)))
    pending = list(enumerate(trials, 1))
    progress = Progress(len(trials), estimates(trials, suite, store.records()), 1, echo)

    with stop_on_sigint(ctx.stop), claims.heartbeat():
        while pending and not ctx.stop.requested:
            progressed = False
            for item in list(pending):
                if ctx.stop.requested:
                    break
                i, trial = item
                prefix = f"[{i:>{width}}/{len(trials)}] {trial.label}"
                settled = already_settled(store, trial, suite, elsewhere, progress, echo, prefix)
                if settled is not None:
                    outcomes[trial.trial_id] = settled
                    pending.remove(item)
                    progressed = True
                    continue
                holder = claims.acquire(trial.trial_id)
                for recovered, dead in claims.recovered:
                    echo(f"harness: recovered the stale claim on {recovered}"
                         + (f" of {dead.describe()}" if dead else " (unreadable claim file)"))
                claims.recovered.clear()
                if holder is not None:
                    if trial.trial_id not in elsewhere:
                        elsewhere[trial.trial_id] = time.time()
                        echo(f"{prefix}: claimed by {holder.describe()}; waiting for it")
                    continue
                try:
                    if store.finished(trial.trial_id, trial.key):  # finished while we claimed it
                        outcomes[trial.trial_id] = "elsewhere"
                        echo(f"{prefix}: done by another run")
                        progress.skip(trial.trial_id)
                        pending.remove(item)
                        progressed = True
                        continue
                    shutil.rmtree(ctx.scratch / trial.trial_id, ignore_errors=True)  # a killed run's
                    t0 = time.perf_counter()
                    echo(f"{prefix} ...")
                    progress.start(trial.trial_id)
                    record = execute(trial, ctx)
                    store.write_record(record)
                    _model_cards(record, store, echo)
                finally:
                    claims.release(trial.trial_id)
                outcomes[trial.trial_id] = record.status
                echo(f"{prefix}: {_summary(record)} [{time.perf_counter() - t0:.1f} s]")
                progress.finish(trial.trial_id, record.status == "ok", record.timing.total_wall_s,
                                interrupted=record.status == "interrupted")
                progress.show()
                pending.remove(item)
                progressed = True
            if pending and not progressed and not ctx.stop.requested:
                time.sleep(POLL_S)
    for _, trial in pending:
        outcomes[trial.trial_id] = "not started"
    try:
        ctx.scratch.rmdir()  # only when empty: a live concurrent run may still be using it
    except OSError:
        pass
    return outcomes


def _model_cards(record, store, echo) -> None:
    """A saved model gets its card after the record is safe; a card failure only warns."""
    if "model" not in record.artifacts:
        return
    from harness.modelcard import refresh_model_cards

    try:
        refresh_model_cards(record, store)
    except Exception as e:  # the trial's result is already stored; say what went wrong
        echo(f"warning: model card of {record.trial_id} not written: {type(e).__name__}: {e}")


def already_settled(store, trial, suite, seen: dict, progress, echo, prefix: str) -> str | None:
    """The outcome of a trial that needs no run here, echoed and counted: another run finished
    it since we saw it claimed ('elsewhere', or that run's failed/diverged status), or an earlier
    run stored it ('skipped'; missing test metrics are added from its stored predictions).
    None when it is still to run. Shared by the sequential and parallel drivers."""
    from harness.trials.backfill import backfill_test_metrics

    theirs = result_of_other_run(store, trial, seen)
    if theirs is not None:
        echo(f"{prefix}: done by another run: {_summary(theirs)}")
        progress.finish(trial.trial_id, theirs.status == "ok")
        return "elsewhere" if theirs.status == "ok" else theirs.status
    done = store.finished(trial.trial_id, trial.key)
    if done is None:
        return None
    progress.skip(trial.trial_id)
    added = backfill_test_metrics(done, trial, suite, store)
    echo(f"{prefix}: done earlier, skipped"
         + (f"; added {', '.join(added)} from stored test predictions" if added else ""))
    return "skipped"


def result_of_other_run(store, trial, seen: dict):
    """The record another run wrote for a trial since we saw it holding the claim (`seen`:
    trial_id -> when), if any; shared with the parallel driver."""
    path = store.record_path(trial.trial_id)
    if trial.trial_id not in seen or not path.is_file():
        return None
    record = store.read_record(trial.trial_id)
    fresh = path.stat().st_mtime >= seen[trial.trial_id] - 1
    if record and record.key == trial.key and fresh and record.status in ("ok", "failed", "diverged"):
        return record
    return None
