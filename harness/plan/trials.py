"""Expand a suite into trials: every method asked, in plan order, for its trials.

Plan order (the order trials run in and plan.json lists them): the model-free trials dataset by
dataset (each baseline, then the listed methods that need no model), then model by model its
trials per dataset in the suite's method order, then its trials that bring their own data
(MTEB tasks). What enters each trial's key is the method's business (harness.methods.<name>.plan);
KEY_VERSION and the key function are in harness.trial. Hub models and datasets enter with their
revisions resolved to commits (harness.fingerprint.pinned_model / pinned_dataset, asking the hub
or the HF cache once per item): the trials carry those pinned specs, so whatever runs them loads
exactly the commit their keys name.
"""

from __future__ import annotations

from harness.fingerprint import pinned_dataset, pinned_model
from harness.methods.base import PlanInputs
from harness.methods.registry import METHODS, baselines, is_baseline
from harness.runtimes.plan import with_runtimes
from harness.suite.schema import Suite
from harness.trial import Trial


def build_plan(suite: Suite, points: dict | None = None) -> list[Trial]:
    """Every trial of the suite, with its key, in plan order (no file is written). `points`: a
    search's configurations so far per (model, dataset, scheduler) (harness.search). A hub
    revision that cannot be resolved raises harness.hub.HubError (`unavailable` when offline and
    not cached: the keys cannot be known)."""
    # Trials carry hub revisions resolved to commits: whatever runs them loads exactly these.
    suite = pinned_suite(suite)
    plan = PlanInputs(suite, points=points or {})
    listed = [(METHODS[spec.type], spec) for spec in suite.methods]
    trials: list[Trial] = []
    applies = {d.name: plan.task(d).name for d in suite.datasets}  # methods run on some task types
    for dataset in suite.datasets:
        for method in baselines():
            trials += method.dataset_trials(None, dataset, plan)
        for method, spec in listed:
            if method.applies_to(applies[dataset.name]):
                trials += method.dataset_trials(spec, dataset, plan)
    for model in suite.models:
        runtimes = suite.runtimes_for(model)  # each source trial followed by its runtime trials
        for dataset in suite.datasets:
            for method, spec in listed:
                if method.applies_to(applies[dataset.name]):
                    made = method.model_dataset_trials(spec, model, dataset, plan)
                    exports = method.runtimes and plan.task(dataset).exports
                    trials += with_runtimes(made, runtimes) if exports else made
        for method, spec in listed:
            made = method.model_trials(spec, model, plan)
            trials += with_runtimes(made, runtimes) if method.runtimes else made
    return trials


def pinned_suite(suite: Suite) -> Suite:
    """The suite with every hub model and dataset revision resolved to a commit."""
    return suite.model_copy(update={"models": [pinned_model(m) for m in suite.models],
                                    "datasets": [pinned_dataset(d) for d in suite.datasets]})


def plan_line(trials) -> str:
    """`7 trials (6 to train in 3 configurations, 1 baselines)`: the plan's size."""
    baselines = sum(1 for t in trials if is_baseline(t.method))
    configs = {(t.model.display_name if t.model else None, t.dataset.name, t.method,
                t.scheduler, t.variant, tuple(t.configuration.items()))
               for t in trials if not is_baseline(t.method)}
    searched = any(t.configuration for t in trials)
    runtimes = sum(1 for t in trials if t.runtime)  # evaluate a source trial's model again
    return (f"{len(trials)} trials ({len(trials) - baselines - runtimes} to train"
            + (f" in {len(configs)} configurations" if searched else "")
            + (f", {runtimes} through runtimes (no training)" if runtimes else "")
            + f", {baselines} baselines)")
