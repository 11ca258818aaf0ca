"""Run one trial and turn whatever happens into a TrialRecord: ok, failed or diverged."""

from __future__ import annotations

import time
import traceback
from datetime import datetime, timezone

from harness.env import environment
from harness.execution.retry import run_with_oom_retries
from harness.inspection.trial_fit import trial_tokenizer_fit
from harness.methods.base import Diverged, Interrupted, MethodOutcome, Pruned
from harness.methods.context import TrialContext
from harness.specs.dataset import DatasetSpec
from harness.store.record import (
    EmbeddingFacts,
    ErrorInfo,
    ModelFacts,
    RuntimeFacts,
    Timing,
    TrialRecord,
)
from harness.trial import Trial


def now() -> str:
    """UTC now, to the second, as records store it."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def execute(trial: Trial, ctx: TrialContext) -> TrialRecord:
    """Run one trial through its method (with OOM retries) and make its record: ok, failed,
    diverged, pruned or interrupted, never an exception (Ctrl-C's second press aside). Test
    predictions are written to the store here; the record is the caller's to write. With
    `tracking:` in the suite, the trial's tracker runs are open while it runs and get its final metrics once its
    record is made; `record.tracking` says how each tracker fared (a tracker never fails it)."""
    specs = getattr(ctx.suite, "tracking", None)
    if not specs:
        return _execute(trial, ctx)
    from harness.trackers.session import TrialTracking

    tracking = TrialTracking(specs, trial, ctx.suite.name, ctx.run_id, ctx.verbose).open()
    ctx.reporting = tracking.reporting()
    try:
        record = _execute(trial, ctx)
    except BaseException:  # Ctrl-C's second press: end the runs, then let it through
        tracking.close("interrupted")
        raise
    finally:
        ctx.reporting = None
    return record.model_copy(update={"tracking": tracking.finish(record)})


def _execute(trial: Trial, ctx: TrialContext) -> TrialRecord:
    started, t0 = now(), time.perf_counter()
    outcome: MethodOutcome | None = None
    error = None
    status = "ok"
    attempts: list[dict] = []  # OOM retries (harness.execution.retry)
    history: list[dict] = []  # a diverged trial's log up to the NaN
    fit = None
    try:
        fit = trial_tokenizer_fit(trial, ctx)
        outcome = run_with_oom_retries(trial, ctx, attempts)
    except KeyboardInterrupt:
        raise
    except Diverged as e:
        status, error = "diverged", ErrorInfo(type="Diverged", message=str(e))
        history = e.log_history
    except Pruned as e:
        status, error = "pruned", ErrorInfo(type="Pruned", message=str(e))
        history = e.log_history
    except Interrupted as e:
        status, error = "interrupted", ErrorInfo(type="Interrupted", message=str(e))
    except Exception as e:  # one bad trial never stops the others
        status = "failed"
        lines = traceback.format_exc().strip().splitlines()
        error = ErrorInfo(type=type(e).__name__, message=(str(e).strip().splitlines() or [""])[0][:500],
                          traceback="\n".join(lines[-15:]))
    artifacts = {}
    data = ctx.data.get(trial.dataset.name) if isinstance(trial.dataset, DatasetSpec) else None
    if outcome is not None and outcome.test_label_ids is not None:
        artifacts["predictions"] = ctx.store.write_predictions(
            trial.trial_id, outcome.test_label_ids, outcome.test_predictions,
            outcome.test_probabilities)
    if outcome is not None:
        artifacts.update(outcome.artifacts)
        if outcome.model_dir:
            artifacts["model"] = outcome.model_dir
    return TrialRecord(
        key=trial.key, trial_id=trial.trial_id, run_id=ctx.run_id, suite_name=ctx.suite.name,
        status=status, error=error, method=trial.method,
        model_name=trial.model.display_name if trial.model else None,
        dataset_name=trial.dataset.name, scheduler=trial.scheduler, seed=trial.seed,
        config=trial.key_material, configuration=trial.configuration,
        metrics=outcome.metrics if outcome else {},
        task_type=data.task.name if data else None,
        main_metric=ctx.scoring(trial.dataset).main if data else ctx.suite.main,
        label_names=data.label_names if data else [],
        data_facts=data.facts if data else {},
        timing=Timing(total_wall_s=time.perf_counter() - t0, **(outcome.timing if outcome else {})),
        log_history=outcome.log_history if outcome else history,
        model_facts=ModelFacts(**{**outcome.model_facts, "resolved_revision": _hub_commit(trial)})
        if outcome and outcome.model_facts else None,
        environment=environment(outcome.precision if outcome else None,
                                with_device=trial.model is not None,
                                allocator=outcome.allocator if outcome else None),
        started_at=started, finished_at=now(), artifacts=artifacts, attempts=attempts,
        tokenizer_fit=fit, cache_hits=outcome.cache_hits if outcome else {},
        embedding=EmbeddingFacts(**outcome.embedding) if outcome and outcome.embedding else None,
        runtime=runtime_facts(trial, outcome))


def runtime_facts(trial: Trial, outcome: MethodOutcome | None) -> RuntimeFacts | None:
    """A runtime trial's facts: what its run measured, or (failed) what its key says."""
    if not trial.runtime:
        return None
    if outcome is not None and outcome.runtime:
        return RuntimeFacts(**outcome.runtime)
    material = trial.key_material["runtime"]
    return RuntimeFacts(name=trial.runtime, precision=material["precision"],
                        source_trial_id=trial.after or "", source_key=trial.key_material["source_key"],
                        packages=material["packages"], quantization=material["quantization"])


def _hub_commit(trial) -> str | None:
    """The commit a hub model was loaded at: the plan pinned its revision to it (harness.hub)."""
    return trial.model.revision if trial.model is not None and trial.model.id else None
