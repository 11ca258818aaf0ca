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

from harness.execution.execute import execute
from harness.execution.interrupt import stop_on_sigint
from harness.execution.progress import Progress
from harness.execution.scheduling import estimates
from harness.execution.settle import POLL_S, already_settled, model_cards, summary
from harness.faults import active as active_faults
from harness.methods.context import TrialContext
from harness.store.claims import Claims
from harness.store.store import ResultsStore
from harness.store.sweep import sweep
from harness.suite.schema import Suite
from harness.trial import Trial


def run_trials(trials: list[Trial], suite: Suite, store: ResultsStore, run_id: str, *,
               verbose: bool = False, echo=print, pruning=None,
               ctx: TrialContext | None = None) -> dict[str, str]:
    """Run the plan's trials one at a time in this process, in plan order; returns trial_id ->
    outcome (ok, failed, diverged, pruned, interrupted, skipped, elsewhere, not started). Each
    record is written the moment its trial ends. `pruning`: a search's pruner for these trials
    (TrialContext.pruning); `ctx`: a context kept across calls (a search's, so prepared data
    and tokenizers are reused between its configurations)."""
    announce(store, echo)
    ctx = ctx or TrialContext(suite=suite, store=store, run_id=run_id, verbose=verbose)
    ctx.pruning = pruning
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
                if trial.after and any(t.trial_id == trial.after for _, t in pending):
                    continue  # a runtime trial reads what its source trial leaves: after it
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
                    model_cards(record, store, echo)
                finally:
                    claims.release(trial.trial_id)
                outcomes[trial.trial_id] = record.status
                echo(f"{prefix}: {summary(record)} [{time.perf_counter() - t0:.1f} s]")
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


def announce(store: ResultsStore, echo) -> None:
    """Say what the sweep of killed runs cleaned up and which fault injections are set."""
    for line in sweep(store.root):
        echo(f"harness: {line}")
    for name, value in active_faults().items():
        echo(f"harness: warning: fault injection {name}={value} is set")
