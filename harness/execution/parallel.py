"""The driver of the parallel executors (local --jobs, ray): same store rules as `local`.

- A trial with an ok record is skipped (its missing test metrics back-filled), exactly as in
  harness.execution.sequential; every other trial is claimed (harness.store.claims) before it is
  handed to a worker, so a run started with one executor resumes with any other, and two runs on
  one results dir never run a trial twice. A trial another live run holds is waited for and
  taken over only if that run leaves no result.
- Trials go out longest estimated first (harness.execution.scheduling).
- Workers never write the results dir: they return the record and its files; this process
  writes the files, then the record (atomically), then releases the claim.
- A worker that dies is retried `retries` times, then the trial is recorded failed (WorkerDied)
  with every death in `attempts`. Ctrl-C: trials not started stay unstarted; running ones stop
  after their current step and come back `interrupted` (or are cancelled and recorded so).
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from harness.env import environment
from harness.execution.backend import Backend, Item, dispatch
from harness.execution.execute import now, runtime_facts
from harness.execution.interrupt import stop_on_sigint
from harness.execution.progress import Progress
from harness.execution.scheduling import estimates, longest_first
from harness.execution.settle import POLL_S, already_settled, model_cards, summary
from harness.execution.worker import TrialJob
from harness.methods.context import StopRequest
from harness.store.claims import Claims
from harness.store.record import ErrorInfo, Timing, TrialRecord
from harness.store.store import ResultsStore
from harness.store.sweep import sweep
from harness.suite.schema import Suite
from harness.trial import Trial

DEFAULT_RETRIES = 2


def run_parallel(trials: list[Trial], suite: Suite, store: ResultsStore, run_id: str,
                 backend: Backend, *, retries: int = DEFAULT_RETRIES, job_options: dict | None = None,
                 verbose: bool = False, echo=print) -> dict[str, str]:
    """Run the plan's trials on `backend`'s workers, longest estimated first; returns trial_id ->
    outcome like the sequential driver (harness.execution.sequential.run_trials)."""
    for line in sweep(store.root):
        echo(f"harness: {line}")
    run = ParallelRun(trials, suite, store, run_id, backend, retries, job_options or {},
                      verbose, echo)
    with stop_on_sigint(run.stop), run.claims.heartbeat(), _closing(backend):
        run.until_done()
    return run.outcomes


class ParallelRun:
    """The state of one parallel run and its steps: settle or claim what waits, dispatch the
    claimed trials, write what comes back (or record a dead or stopped worker), and repeat
    while other runs hold trials."""

    def __init__(self, trials: list[Trial], suite: Suite, store: ResultsStore, run_id: str,
                 backend: Backend, retries: int, job_options: dict, verbose: bool, echo):
        self.suite, self.store, self.run_id, self.backend = suite, store, run_id, backend
        self.retries, self.job_options, self.verbose, self.echo = retries, job_options, verbose, echo
        self.claims = Claims(store.root, run_id)
        self.cost = estimates(trials, suite, store.records())
        self.order = longest_first(trials, self.cost)
        self.progress = Progress(len(trials), self.cost, backend.slots, echo)
        self.label = {t.trial_id: f"[{i}/{len(trials)}] {t.label}" for i, t in enumerate(trials, 1)}
        self.outcomes: dict[str, str] = {}
        self.stop = StopRequest()
        self.seen_elsewhere: dict[str, float] = {}  # trial_id -> when another run held it

    def until_done(self) -> None:
        """Rounds of settle-or-claim and dispatch until no trial waits (or Ctrl-C)."""
        waiting = list(self.order)
        while waiting and not self.stop.requested:
            mine, later = self.settle_or_claim(waiting)
            if mine:
                later += self.dispatch(mine)
            elif later and not self.stop.requested:
                time.sleep(POLL_S)
            waiting = later
        for trial in waiting:
            self.outcomes.setdefault(trial.trial_id, "not started")

    def settle_or_claim(self, waiting: list[Trial]) -> tuple[list[Trial], list[Trial]]:
        """(claimed here, held by another run); settled trials get their outcome."""
        mine, later = [], []
        unsettled = {t.trial_id for t in waiting}
        for trial in waiting:
            if trial.after in unsettled:  # a runtime trial reads what its source trial leaves
                later.append(trial)
                continue
            settled = already_settled(self.store, trial, self.suite, self.seen_elsewhere,
                                      self.progress, self.echo, self.label[trial.trial_id])
            if settled is not None:
                self.outcomes[trial.trial_id] = settled
                unsettled.discard(trial.trial_id)
                continue
            holder = self.claims.acquire(trial.trial_id)
            self.claims.recovered.clear()
            if holder is None:
                mine.append(trial)
                continue
            if trial.trial_id not in self.seen_elsewhere:
                self.seen_elsewhere[trial.trial_id] = time.time()
                self.echo(f"{self.label[trial.trial_id]}: claimed by {holder.describe()}; "
                          "waiting for it")
            later.append(trial)
        return mine, later

    def dispatch(self, trials: list[Trial]) -> list[Trial]:
        """Run claimed trials on the backend; the ones never started (Ctrl-C) are released."""
        items = [Item(t.trial_id, TrialJob(t, self.suite, self.run_id, str(self.store.root.resolve()),
                                           verbose=self.verbose, sources=self.sources(t),
                                           **self.job_options),
                      self.cost[t.trial_id]) for t in trials]
        unstarted = dispatch(items, self.backend, retries=self.retries, stop=self.stop,
                             on_result=self.write, on_died=self.died, on_stopped=self.stopped,
                             on_start=self.started)
        for item in unstarted:
            self.claims.release(item.id)
        return [item.payload.trial for item in unstarted]

    def sources(self, trial: Trial) -> dict[str, dict]:
        """A runtime trial's source record, shipped with it: the worker's store is a staging
        dir, and the trial reads what its source left (status, key, kept model)."""
        record = self.store.read_record(trial.after) if trial.after else None
        return {trial.after: record.model_dump(mode="json")} if record is not None else {}

    def started(self, item: Item) -> None:
        self.progress.start(item.id)
        self.echo(f"{self.label[item.id]} ... (on {self.backend.name}"
                  + (f", retry {len(item.deaths)} after: {item.deaths[-1]}" if item.deaths else "")
                  + ")")

    def write(self, item: Item, result: dict) -> None:
        """A worker's result: its files first, then the record (atomically)."""
        for rel, data in result["files"].items():
            self.store.write_artifact(rel, data)
        record = TrialRecord.model_validate(result["record"])
        if item.deaths:
            record = record.model_copy(update={"worker_deaths": list(item.deaths)})
        self.finish(item.payload.trial, record)

    def died(self, item: Item) -> None:
        """Its worker died more often than `retries` allow: recorded failed (WorkerDied)."""
        error = ErrorInfo(type="WorkerDied", message=f"worker died {len(item.deaths)} times "
                          f"(retries: {self.retries}); last: {item.deaths[-1]}"[:500])
        self.finish(item.payload.trial, self.driver_record(item, "failed", error))

    def stopped(self, item: Item) -> None:
        """Cancelled while running after Ctrl-C: recorded interrupted."""
        error = ErrorInfo(type="Interrupted", message=f"{self.stop.reason}: cancelled while "
                          f"running on {self.backend.name}")
        self.finish(item.payload.trial, self.driver_record(item, "interrupted", error))

    def finish(self, trial: Trial, record: TrialRecord) -> None:
        try:
            self.store.write_record(record)
            model_cards(record, self.store, self.echo)
        finally:
            self.claims.release(trial.trial_id)
        self.outcomes[trial.trial_id] = record.status
        self.progress.finish(trial.trial_id, record.status == "ok",
                             record.timing.total_wall_s or None,
                             interrupted=record.status == "interrupted")
        deaths = f" [after {len(record.worker_deaths)} worker death(s)]" if record.worker_deaths \
            else ""
        self.echo(f"{self.label[trial.trial_id]}: {summary(record)}{deaths}")
        self.progress.show()

    def driver_record(self, item: Item, status: str, error: ErrorInfo) -> TrialRecord:
        """A record for a trial whose worker never returned one (died every time, or cancelled)."""
        trial, stamp = item.payload.trial, now()
        return TrialRecord(
            key=trial.key, trial_id=trial.trial_id, run_id=self.run_id, suite_name=self.suite.name,
            status=status, error=error, method=trial.method,
            model_name=trial.model.display_name if trial.model else None,
            dataset_name=trial.dataset.name, scheduler=trial.scheduler, seed=trial.seed,
            config=trial.key_material, main_metric=self.suite.main,
            timing=Timing(total_wall_s=0.0), environment=environment(with_device=False),
            started_at=stamp, finished_at=stamp, worker_deaths=list(item.deaths),
            runtime=runtime_facts(trial, None))


@contextmanager
def _closing(backend: Backend):
    try:
        yield backend
    finally:
        backend.close()
