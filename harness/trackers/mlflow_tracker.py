"""MLflow: one run per trial in the suite's experiment (default store: a SQLite file under the
results dir), nested under one parent run per suite run (made by the driver before the trials,
found by its tags), tagged with the suite run (`harness.run_id`), model, dataset, method,
scheduler, seed.

The run is started (fluent API) before the trial runs, so the Trainer's MLflowCallback logs a
fine-tune's curves into it rather than starting its own (which it would end at train end and
whose `__del__` ends whatever run is active). That callback logs asynchronously and MLflow only
logs a failed batch as an error: a handler on that logger turns such errors into a tracker
failure. Final metrics (`<split>/<metric>`), the key material as `harness.config.*` params and
the trial's facts as tags go in with `MlflowClient.log_batch`; the run ends FINISHED, FAILED
(failed/diverged trial) or KILLED (interrupted).
"""

from __future__ import annotations

import logging
import time

from harness.trackers.facts import final_metrics, flat_config, last_step, trial_facts

ASYNC_LOGGER = "mlflow.utils.async_logging.async_logging_queue"
END_STATUS = {"ok": "FINISHED", "failed": "FAILED", "diverged": "FAILED", "interrupted": "KILLED"}
BATCH = 100  # MLflow takes at most 100 params or tags per log_batch


class _Errors(logging.Handler):
    """Errors MLflow's async logging queue reports (and otherwise only prints)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(" ".join(record.getMessage().split())[:400])


def experiment_id(client, name: str) -> str:
    """The experiment's id, created when missing (another process may create it first)."""
    found = client.get_experiment_by_name(name)
    if found is not None:
        return found.experiment_id
    try:
        return client.create_experiment(name)
    except Exception:
        found = client.get_experiment_by_name(name)
        if found is None:
            raise
        return found.experiment_id


def suite_run_id(client, exp: str, run_id: str) -> str | None:
    """The parent run of suite run `run_id`, when the driver made one."""
    found = client.search_runs([exp], filter_string=f"tags.`harness.role` = 'suite-run' and "
                                                    f"tags.`harness.run_id` = '{run_id}'",
                               max_results=1)
    return found[0].info.run_id if found else None


def start_suite_run(spec, run_id: str) -> str:
    """The store, the experiment and the parent run of this suite run (the driver's, once)."""
    from mlflow.tracking import MlflowClient

    client = MlflowClient(spec.tracking_uri)
    exp = experiment_id(client, spec.experiment)
    return suite_run_id(client, exp, run_id) or client.create_run(
        exp, run_name=f"{spec.experiment} {run_id}",
        tags={"harness.role": "suite-run", "harness.run_id": run_id}).info.run_id


def end_suite_run(spec, run_id: str) -> None:
    from mlflow.tracking import MlflowClient

    client = MlflowClient(spec.tracking_uri)
    found = client.get_experiment_by_name(spec.experiment)
    parent = suite_run_id(client, found.experiment_id, run_id) if found else None
    if parent is not None:
        client.set_terminated(parent, "FINISHED")


class MlflowTracker:
    name = integration = "mlflow"

    def __init__(self, spec):
        self.uri, self.experiment = spec.tracking_uri, spec.experiment
        self.run_id: str | None = None
        self.errors = _Errors()

    def open(self, ident) -> str:
        import mlflow
        from mlflow.tracking import MlflowClient

        mlflow.set_tracking_uri(self.uri)  # the Trainer callback then keeps it
        self.client = MlflowClient(self.uri)
        exp = experiment_id(self.client, self.experiment)
        if mlflow.active_run() is not None:  # a run left active by someone else: not ours to log into
            mlflow.end_run()
        tags = {**ident.tags, "harness.run_id": ident.group, "harness.suite": ident.suite,
                "harness.trial_id": ident.name}
        parent = suite_run_id(self.client, exp, ident.group)
        if parent is not None:
            tags["mlflow.parentRunId"] = parent  # nested under the suite run in the MLflow UI
        run = mlflow.start_run(experiment_id=exp, run_name=ident.name, tags=tags)
        self.run_id = run.info.run_id
        logging.getLogger(ASYNC_LOGGER).addHandler(self.errors)
        return self.run_id

    def training_error(self) -> str | None:
        """The first failure of the Trainer's asynchronous logging, after a flush."""
        import mlflow

        mlflow.flush_async_logging()
        return self.errors.messages[0] if self.errors.messages else None

    def final(self, record, ident) -> None:
        from mlflow.entities import Metric, Param, RunTag

        now, step = int(time.time() * 1000), last_step(record)
        metrics = [Metric(k, v, now, step) for k, v in final_metrics(record).items()]
        params = [Param(f"harness.config.{k}", v) for k, v in flat_config(record.config).items()]
        tags = [RunTag(f"harness.{k}", v) for k, v in trial_facts(record).items()]
        for i in range(0, max(len(metrics), len(params), len(tags)), BATCH):
            self.client.log_batch(self.run_id, metrics=metrics[i:i + BATCH],
                                  params=params[i:i + BATCH], tags=tags[i:i + BATCH])

    def close(self, status: str) -> None:
        import mlflow

        logging.getLogger(ASYNC_LOGGER).removeHandler(self.errors)
        active = mlflow.active_run()
        if active is not None and active.info.run_id == self.run_id:
            mlflow.end_run(END_STATUS.get(status, "FINISHED"))
        elif self.run_id is not None:
            self.client.set_terminated(self.run_id, END_STATUS.get(status, "FINISHED"))
