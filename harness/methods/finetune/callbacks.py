"""Trainer callbacks every fine-tune gets: stop after the current step on Ctrl-C, stop on a
NaN/inf loss, a search's pruner (harness.search) and the fault injections of harness.faults; and
the guard around the Trainer's tracker integrations (report_to), whose exceptions would otherwise
abort `train()`."""

from __future__ import annotations

import math

from transformers import TrainerCallback

from harness.faults import rule_for
from harness.methods.base import Diverged, Interrupted, Pruned


class StopOnRequest(TrainerCallback):
    """After each optimizer step: if Ctrl-C was pressed, end the trial as interrupted."""

    def __init__(self, stop):
        self.stop = stop

    def on_step_end(self, args, state, control, **kwargs):
        if self.stop.requested:
            raise Interrupted(f"stopped by {self.stop.reason} after step {state.global_step} "
                              f"of {state.max_steps}")


class StopOnNonFinite(TrainerCallback):
    """A logged NaN/inf loss or gradient norm ends the trial as diverged (never a score)."""

    def on_log(self, args, state, control, logs=None, **kwargs):
        for name in ("loss", "grad_norm"):
            value = (logs or {}).get(name)
            if isinstance(value, (int, float)) and not math.isfinite(value):
                raise Diverged(f"{name} became {value} at step {state.global_step}",
                               list(state.log_history))  # Trainer.log appended this entry


class PruneOnRequest(TrainerCallback):
    """After each evaluation: the search's pruner sees the validation scores (the `eval_`
    prefix dropped) at this epoch (or step, with eval_strategy steps); a reason it returns ends
    the trial as pruned."""

    def __init__(self, pruning):
        self.pruning = pruning

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        scores = {k.removeprefix("eval_"): v for k, v in (metrics or {}).items()
                  if isinstance(v, (int, float))}
        step = round(state.epoch) if args.eval_strategy == "epoch" else state.global_step
        reason = self.pruning(step, scores)
        if reason:
            raise Pruned(reason, list(state.log_history))


class SimulatedOOM(TrainerCallback):
    def __init__(self, max_batch: int):
        self.max_batch = max_batch

    def on_train_begin(self, args, state, control, **kwargs):
        import torch

        if args.per_device_train_batch_size > self.max_batch:
            raise torch.OutOfMemoryError(
                f"CUDA out of memory at batch {args.per_device_train_batch_size} "
                f"(simulated by HARNESS_SIMULATE_OOM: fits at most {self.max_batch})")


class SimulatedFailure(TrainerCallback):
    def on_train_begin(self, args, state, control, **kwargs):
        raise RuntimeError("simulated failure (HARNESS_SIMULATE_FAIL)")


class SimulatedNaN(TrainerCallback):
    def __init__(self, step: int):
        self.step = step

    def on_step_begin(self, args, state, control, model=None, **kwargs):
        import torch

        if state.global_step + 1 == self.step and model is not None:
            with torch.no_grad():
                for param in model.parameters():
                    param.fill_(float("nan"))


def trainer_callbacks(trial, stop, pruning=None) -> list:
    callbacks = [StopOnRequest(stop), StopOnNonFinite()]
    if pruning is not None:
        callbacks.append(PruneOnRequest(pruning))
    max_batch = rule_for("HARNESS_SIMULATE_OOM", trial.trial_id, 0)
    if max_batch is not None:
        callbacks.append(SimulatedOOM(max_batch))
    nan_step = rule_for("HARNESS_SIMULATE_NAN", trial.trial_id, 1)
    if nan_step is not None:
        callbacks.append(SimulatedNaN(nan_step))
    if rule_for("HARNESS_SIMULATE_FAIL", trial.trial_id, 0) is not None:
        callbacks.append(SimulatedFailure())
    return callbacks


class Guarded(TrainerCallback):
    """A tracker integration (TensorBoardCallback, MLflowCallback, WandbCallback) whose
    exceptions are reported to `failed(name, exception)` instead of aborting training; after
    the first one it is called no more."""

    def __init__(self, inner, name: str, failed):
        self.inner, self.name, self.failed, self.dead = inner, name, failed, False


def _delegate(event: str):
    def call(self, args, state, control, **kwargs):
        if self.dead:
            return None
        try:
            return getattr(self.inner, event)(args, state, control, **kwargs)
        except Exception as e:
            self.dead = True
            self.failed(self.name, e)
            return None

    call.__name__ = event
    return call


for _event in [name for name in vars(TrainerCallback) if name.startswith("on_")]:
    setattr(Guarded, _event, _delegate(_event))


def guard_reporting(trainer, reporting) -> None:
    """Wrap each integration callback the Trainer made for `reporting.report_to` in Guarded."""
    from transformers.integrations import get_reporting_integration_callbacks

    kinds = dict(zip(reporting.report_to, get_reporting_integration_callbacks(reporting.report_to)))
    handler = trainer.callback_handler
    for i, callback in enumerate(handler.callbacks):
        name = next((n for n, kind in kinds.items() if type(callback) is kind), None)
        if name is not None:
            handler.callbacks[i] = Guarded(callback, name, reporting.failed)
