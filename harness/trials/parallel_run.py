"""The driver of the parallel executors (local --jobs, ray): same store rules as `local`.

- A trial with an ok record is skipped (its missing test metrics back-filled), exactly as in
  harness.trials.local_run; every other trial is claimed (harness.store.claims) before it is
  handed to a worker, so a run started with one executor resumes with any other, and two runs on
  one results dir never run a trial twice. A trial another live run holds is waited for and
  taken over only if that run leaves no result.
- Trials go out longest estimated first (harness.trials.scheduling).
- Workers never write the results dir: they return the record and its files; this process
  writes the files, then the record (atomically), then releases the claim.
- A worker that dies is retried `retries` times, then the trial is recorded failed (WorkerDied)
  with every death in `attempts`. Ctrl-C: trials not started stay unstarted; running ones stop
  after their current step and come back `interrupted` (or are cancelled and recorded so).
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from harness.methods.context import StopRequest
from harness.store.claims import Claims
from harness.store.files import atomic_write_bytes
from harness.store.record import ErrorInfo, Timing, TrialRecord
from harness.store.sweep import sweep
from harness.trials.dispatch import Item, dispatch
from harness.trials.interrupt import stop_on_sigint
from harness.trials.local_run import POLL_S, _model_cards, _summary, already_settled
from harness.trials.progress import Progress
from harness.trials.scheduling import estimates, longest_first
from harness.trials.worker import TrialJob

DEFAULT_RETRIES = 2


def driver_record(trial, suite, run_id, status, error, deaths) -> TrialRecord:
    """A record for a trial whose worker never returned one (died every time, or cancelled)."""
    from harness.env import environment
    from harness.trials.execute import now

    stamp = now()
    return TrialRecord(
        key=trial.key, trial_id=trial.trial_id, run_id=run_id, suite_name=suite.name,
        status=status, error=error, method=trial.method,
        model_name=trial.model.display_name if trial.model else None,
        dataset_name=trial.dataset.name, scheduler=trial.scheduler, seed=trial.seed,
        config=trial.key_material, main_metric=suite.main, timing=Timing(total_wall_s=0.0),
        environment=environment(with_device=False), started_at=stamp, finished_at=stamp,
        worker_deaths=list(deaths))


def run_parallel(trials, suite, store, run_id, backend, *, retries=DEFAULT_RETRIES, job_options=None,
                 verbose=False, echo=print) -> dict[str, str]:
    for line in sweep(store.root):
        echo(f"harness: {line}")
    claims = Claims(store.root, run_id)
    cost = estimates(trials, suite, store.records())
    order = longest_first(trials, cost)
    progress = Progress(len(trials), cost, backend.slots, echo)
    label = {t.trial_id: f"[{i}/{len(trials)}] {t.label}" for i, t in enumerate(trials, 1)}
    outcomes: dict[str, str] = {}
    stop = StopRequest()
    job_options = job_options or {}

    def write(item, result):
        trial = item.payload.trial
        for rel, data in result["files"].items():
            atomic_write_bytes(store.inside(store.root / rel), data)
        record = TrialRecord.model_validate(result["record"])
        if item.deaths:
            record = record.model_copy(update={"worker_deaths": list(item.deaths)})
        finish(trial, record)

    def died(item):
        trial = item.payload.trial
        error = ErrorInfo(type="WorkerDied", message=f"worker died {len(item.deaths)} times "
                          f"(retries: {retries}); last: {item.deaths[-1]}"[:500])
        finish(trial, driver_record(trial, suite, run_id, "failed", error, item.deaths))

    def stopped(item):
        trial = item.payload.trial
        error = ErrorInfo(type="Interrupted", message=f"{stop.reason}: cancelled while running on "
                          f"{backend.name}")
        finish(trial, driver_record(trial, suite, run_id, "interrupted", error, item.deaths))

    def finish(trial, record):
        try:
            store.write_record(record)
            _model_cards(record, store, echo)
        finally:
            claims.release(trial.trial_id)
        outcomes[trial.trial_id] = record.status
        progress.finish(trial.trial_id, record.status == "ok", record.timing.total_wall_s or None,
                        interrupted=record.status == "interrupted")
        deaths = f" [after {len(record.worker_deaths)} worker death(s)]" if record.worker_deaths else ""
        echo(f"{label[trial.trial_id]}: {_summary(record)}{deaths}")
        progress.show()

    def started(item):
        progress.start(item.id)
        echo(f"{label[item.id]} ... (on {backend.name}"
             + (f", retry {len(item.deaths)} after: {item.deaths[-1]}" if item.deaths else "") + ")")

    waiting = list(order)
    seen_elsewhere: dict[str, float] = {}
    with stop_on_sigint(stop), claims.heartbeat(), _closing(backend):
        while waiting and not stop.requested:
            mine, later = [], []
            for trial in waiting:
                settled = already_settled(store, trial, suite, seen_elsewhere, progress, echo,
                                          label[trial.trial_id])
                if settled is not None:
                    outcomes[trial.trial_id] = settled
                    continue
                holder = claims.acquire(trial.trial_id)
                claims.recovered.clear()
                if holder is not None:
                    if trial.trial_id not in seen_elsewhere:
                        seen_elsewhere[trial.trial_id] = time.time()
                        echo(f"{label[trial.trial_id]}: claimed by {holder.describe()}; waiting for it")
                    later.append(trial)
                    continue
                mine.append(trial)
            items = [Item(t.trial_id, TrialJob(t, suite, run_id, str(store.root.resolve()),
                                               verbose=verbose, **job_options), cost[t.trial_id])
                     for t in mine]
            if items:
                unstarted = dispatch(items, backend, retries=retries, stop=stop, on_result=write,
                                     on_died=died, on_stopped=stopped, on_start=started)
                for item in unstarted:
                    claims.release(item.id)
                    later.append(item.payload.trial)
            waiting = later
            if waiting and not stop.requested and not items:
                time.sleep(POLL_S)
    for trial in waiting:
        outcomes.setdefault(trial.trial_id, "not started")
    return outcomes


@contextmanager
def _closing(backend):
    try:
        yield backend
    finally:
        backend.close()
