"""One trial's runs in every tracker of the suite, from before the trial runs to after its
record is made; nothing here ever raises into the trial (KeyboardInterrupt aside)."""

from __future__ import annotations

import logging
import os

from harness.methods.context import TrainerReporting
from harness.specs.tracking import MlflowSpec, TensorBoardSpec, WandbSpec
from harness.store.record import TrackerOutcome
from harness.trackers.facts import RunIdentity, identity

# Offline by default, and quick to give up: MLflow's telemetry calls home unless told not to,
# and an MLflow server that stops answering held each call for minutes with the default retries.
ENV_DEFAULTS = {"MLFLOW_DISABLE_TELEMETRY": "true", "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
                "MLFLOW_HTTP_REQUEST_TIMEOUT": "10"}
CHATTY = ("mlflow", "alembic", "wandb")


def make_tracker(spec):
    from harness.trackers.mlflow_tracker import MlflowTracker
    from harness.trackers.tensorboard_tracker import TensorBoardTracker
    from harness.trackers.wandb_tracker import WandbTracker

    kinds = {TensorBoardSpec: TensorBoardTracker, MlflowSpec: MlflowTracker,
             WandbSpec: WandbTracker}
    return kinds[type(spec)](spec)


def offline_and_quiet(verbose: bool = False) -> None:
    """ENV_DEFAULTS where the user set nothing; the trackers' INFO chatter off unless verbose."""
    for key, value in ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if not verbose:
        os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")  # mlflow sets INFO on import
        for name in CHATTY:
            logging.getLogger(name).setLevel(logging.WARNING)


def prepare_stores(specs: list, run_id: str) -> list[str]:
    """What every trial's run needs, made once before the trials (parallel workers would race to
    make it): an MLflow store's schema, the experiment and the suite run's parent run, under which
    each trial's run is nested. Problems come back as lines: the trials still run, and each
    record then says what its tracker made of it."""
    problems = []
    for spec in specs:
        if isinstance(spec, MlflowSpec):
            offline_and_quiet()
            try:
                from harness.trackers.mlflow_tracker import start_suite_run

                start_suite_run(spec, run_id)
            except Exception as e:
                problems.append(f"mlflow store {spec.tracking_uri}: {_why('open', e)}")
    return problems


def finish_stores(specs: list, run_id: str) -> list[str]:
    """End what prepare_stores started (the MLflow parent run)."""
    problems = []
    for spec in specs:
        if isinstance(spec, MlflowSpec):
            try:
                from harness.trackers.mlflow_tracker import end_suite_run

                end_suite_run(spec, run_id)
            except Exception as e:
                problems.append(f"mlflow store {spec.tracking_uri}: {_why('close', e)}")
    return problems


def _why(phase: str, e: BaseException) -> str:
    message = (str(e).strip().splitlines() or [""])[0][:300]
    return f"{phase}: {type(e).__name__}: {message}"


class TrialTracking:
    """`open()` before the trial, `reporting()` for a fine-tune's Trainer, `finish(record)`
    after its record is made (returns the record's `tracking` field)."""

    def __init__(self, specs: list, trial, suite_name: str, run_id: str, verbose: bool = False):
        self.ident: RunIdentity = identity(trial, suite_name, run_id)
        self.trackers = [make_tracker(s) for s in specs]
        self.runs: dict[str, str | None] = {}
        self.errors: dict[str, str] = {}
        offline_and_quiet(verbose)

    def live(self) -> list:
        return [t for t in self.trackers if t.name not in self.errors]

    def failed(self, name: str, phase: str, e: BaseException) -> None:
        self.errors.setdefault(name, _why(phase, e))

    def open(self) -> TrialTracking:
        for t in self.trackers:
            try:
                self.runs[t.name] = t.open(self.ident)
            except Exception as e:
                self.failed(t.name, "open", e)
        return self

    def reporting(self) -> TrainerReporting:
        """The Trainer integrations to report curves to: those whose run is open."""
        return TrainerReporting(report_to=[t.integration for t in self.live() if t.integration],
                                run_name=self.ident.name,
                                failed=lambda name, e: self.failed(name, "training", e))

    def finish(self, record) -> dict[str, TrackerOutcome]:
        """Final metrics, settings, key, seed and revision into every live run; then every run
        is closed (ended with the trial's status)."""
        for t in self.trackers:
            if t.name in self.errors:
                continue
            try:
                late = t.training_error() if hasattr(t, "training_error") else None
                if late:
                    self.errors[t.name] = f"training: {late}"
                    continue
                t.final(record, self.ident)
            except Exception as e:
                self.failed(t.name, "final", e)
        self.close(record.status)
        return {t.name: TrackerOutcome(status="failed" if t.name in self.errors else "ok",
                                       run=self.runs.get(t.name), error=self.errors.get(t.name))
                for t in self.trackers}

    def close(self, status: str) -> None:
        for t in self.trackers:
            try:
                t.close(status)
            except Exception as e:
                self.failed(t.name, "close", e)
