"""`harness run` for a suite with `search:` (any other suite goes to harness.runner.run_suite).

1. Validate (exit 2 before any compute), open the storage and one study per dataset × model ×
   scheduler (created under a file lock), end the trials a killed search left RUNNING
   (study.reconcile).
2. Run the plan's other trials (majority baselines, probes, ...), as `harness run` would.
3. Per study, until it has `n_trials` finished proposals: reseed the sampler, ask, write the
   proposal's trials into plan.json, run its first seed with the pruner watching each evaluation,
   then its other seeds, and tell the study the mean validation score of the seeds' records (or
   pruned / failed). Seeds that already have an ok record are skipped, never recomputed.
4. The run file, the summary lines and the leaderboard, as `harness run`.

One configuration at a time in this process (the pruner reports from inside training); parallel
workers are several `harness run` processes on one results dir or storage URL.
"""

from __future__ import annotations

from pathlib import Path

from harness.errors import HarnessError
from harness.execution.executors import run_local
from harness.fetch import for_pending, hub_items, materialize
from harness.methods.base import PlanInputs
from harness.methods.context import TrialContext
from harness.plan.trials import build_plan, pinned_suite, plan_line
from harness.runner import (
    RunLog,
    results_root,
    run_suite,
    tracker_stores,
    validated,
    with_tracking_defaults,
)
from harness.search import study as S
from harness.store.store import ResultsStore
from harness.trial import KEY_VERSION


def run(path: str | Path, results_dir: str | Path | None = None, executor: str = "local",
        verbose: bool = False, echo=print, **executor_options) -> int:
    """`harness run SUITE`: a search when the suite has `search:`, else the ordinary run."""
    import time

    from harness.quiet import quiet_libraries

    quiet_libraries(verbose)
    started_clock = time.perf_counter()
    loaded = validated(path, results_dir)
    if loaded.suite.search is None:
        return run_suite(path, results_dir, executor, verbose, echo, loaded=loaded,
                         **executor_options)
    if executor != "local":
        raise HarnessError("a search runs one configuration at a time in this process (its "
                           "pruner watches training); for parallel workers start several "
                           "`harness run` on one results dir or search.storage URL",
                           field="--executor")
    if (executor_options.get("jobs") or 1) > 1:
        raise HarnessError("a search runs one configuration at a time in this process; for "
                           "parallel workers start several `harness run` on one results dir or "
                           "search.storage URL", field="--jobs")
    return Search(loaded, results_dir, verbose, echo, started_clock).run()


class Search:
    def __init__(self, loaded, results_dir, verbose: bool, echo, started_clock: float):
        self.loaded, self.spec = loaded, loaded.suite.search
        self.started_clock = started_clock
        self.store = ResultsStore(results_root(loaded.suite, results_dir))
        self.suite = with_tracking_defaults(loaded.suite, self.store)
        self.verbose, self.echo = verbose, echo
        self.points: dict[tuple, list[dict]] = {}
        self.outcomes: dict[str, str] = {}
        self.plan = PlanInputs(pinned_suite(self.suite))  # hub commits, fingerprints, once

    def metric(self, dataset) -> str:
        """What a dataset's studies optimise: the suite's selection metric where its task type
        has it, else the dataset's main metric (harness.tasks.scoring)."""
        from harness.tasks.scoring import dataset_metrics

        pinned = next(d for d in self.plan.suite.datasets if d.name == dataset.name)
        refs, main = dataset_metrics(self.suite.metrics, self.suite.main, pinned,
                                     self.plan.task(pinned))
        chosen = self.suite.selection.metric if self.suite.selection else None
        return chosen if chosen in [r.name for r in refs] else main

    def direction(self, dataset) -> str:
        from harness.metrics.families import greater_is_better

        pinned = next(d for d in self.plan.suite.datasets if d.name == dataset.name)
        task = self.plan.task(pinned)
        return "maximize" if greater_is_better(task.family, self.metric(dataset)) else "minimize"

    def units(self) -> list[tuple]:
        """(model, dataset, scheduler) of each study."""
        return [(m, d, s) for m in self.suite.models for d in self.suite.datasets
                for s in self.suite.training.lr_scheduler_type]

    def name(self, model, dataset, scheduler) -> str:
        training = self.suite.training.for_model(model.training)
        fixed = training.model_dump(mode="json", exclude={"lr_scheduler_type", "logging_steps",
                                                          "save_model", *self.spec.space})
        pinned = self.plan.suite  # the same specs with hub revisions resolved to commits
        model = next(m for m in pinned.models if m.display_name == model.display_name)
        dataset = next(d for d in pinned.datasets if d.name == dataset.name)
        material = {"key_version": KEY_VERSION, "model": self.plan.model_material(model),
                    "dataset": self.plan.dataset_material(dataset), "training": fixed,
                    "scheduler": scheduler, "seeds": self.suite.seeds,
                    "metric": self.metric(dataset),
                    "search": self.spec.model_dump(mode="json", exclude={"n_trials", "storage"})}
        return S.study_name(self.suite.name, model.display_name, dataset.name, scheduler,
                            material)

    def run(self) -> int:
        suite, store, echo = self.suite, self.store, self.echo
        units = self.units()
        names = [self.name(*u) for u in units]
        pruner = S.make_pruner(self.spec, suite.training.eval_strategy)
        studies = S.open_studies(self.spec, store.root, names, pruner,
                                 [self.direction(d) for _, d, _ in units])
        self.studies = [(u, studies[n]) for u, n in zip(units, names)]
        for (_, dataset, _), study in self.studies:
            S.reconcile(study, store, self.metric(dataset), echo)
        self.collect_points()
        trials = build_plan(suite, self.points)
        # hub files, before anything is written: the pending trials' and those of every study
        # that still has proposals to run
        searching = {n for (m, d, _), study in self.studies
                     if len(S.finished(study)) < self.spec.n_trials for n in (m.display_name, d.name)}
        items = for_pending(self.loaded, trials, store)
        items += [i for i in hub_items(suite) if i.name in searching and i not in items]
        materialize(self.loaded, items)
        self.log = RunLog.begin(self.loaded, store, trials, self.started_clock)
        self.ctx = TrialContext(suite=suite, store=store, run_id=self.log.run_id,
                                verbose=self.verbose)
        echo(f"harness: {suite.name}: {plan_line(trials)} so far, and a search of "
             f"{self.spec.n_trials} configurations for each of {len(units)} model × dataset × "
             f"scheduler ({self.spec.sampler}; study storage "
             f"{S.shown_url(S.storage_url(self.spec, store.root))}) -> {store.root}")
        with tracker_stores(suite, self.log.run_id, echo):
            self.execute([t for t in trials if not t.configuration or not self.is_searched(t)])
            for unit, study in self.studies:
                if self.stopped():
                    break
                self.search(unit, study)
        self.collect_points()
        self.log.replan(suite, build_plan(suite, self.points))
        return self.log.finish(self.outcomes, echo)

    def is_searched(self, trial) -> bool:
        return trial.scheduler is not None and trial.training is not None

    def stopped(self) -> bool:
        return self.ctx.stop.requested or any(o in ("interrupted", "not started")
                                              for o in self.outcomes.values())

    def collect_points(self) -> None:
        """Each study's finished proposals, deduplicated, in trial-number order."""
        for (model, dataset, scheduler), study in self.studies:
            points = []
            for t in S.finished(study):
                values = S.values_of(t.params, self.spec)
                if values not in points:
                    points.append(values)
            self.points[(model.display_name, dataset.name, scheduler)] = points

    def execute(self, trials, pruning=None) -> dict[str, str]:
        out = run_local(trials, self.suite, self.store, self.log.run_id, verbose=self.verbose,
                        echo=self.echo, pruning=pruning, ctx=self.ctx)
        for trial_id, result in out.items():
            if result != "skipped" or trial_id not in self.outcomes:
                self.outcomes[trial_id] = result
        return out

    def search(self, unit, study) -> None:
        model, dataset, scheduler = unit
        key = (model.display_name, dataset.name, scheduler)
        metric = self.metric(dataset)
        space = S.distributions(self.spec)
        while not self.stopped():
            done = S.finished(study)
            if len(done) + len(S.running_elsewhere(study)) >= self.spec.n_trials:
                break
            S.reseed(study, self.spec)
            trial = study.ask(fixed_distributions=space)
            trial.set_user_attr("owner", S.owner())
            values = S.values_of(trial.params, self.spec)
            if values not in self.points.setdefault(key, []):
                self.points[key].append(values)
            plan = build_plan(self.suite, self.points)
            self.log.replan(self.suite, plan)
            mine = [t for t in plan if t.model is not None and t.model.display_name == key[0]
                    and t.dataset.name == key[1] and t.scheduler == scheduler
                    and t.configuration == values]
            trial.set_user_attr("trial_ids", [t.trial_id for t in mine])
            result = self.run_proposal(study, trial, mine, metric)
            if result[0] == "incomplete":  # Ctrl-C: asked again first next time
                S.requeue(study, trial)
                return
            S.tell(study, trial.number, result)
            shown = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                              for k, v in values.items())
            what = f"validation {metric} {result[1]:.4f} (mean of {len(mine)} seeds)" \
                if result[0] == "value" else f"{result[0]}: {result[2]}"
            self.echo(f"harness: search {model.display_name} × {dataset.name} × {scheduler}: "
                      f"proposal {trial.number} ({len(S.finished(study))}/{self.spec.n_trials}) "
                      f"{shown}: {what}")

    def run_proposal(self, study, trial, trials, metric: str) -> tuple[str, float | None, str]:
        """Its first seed under the pruner, then the others; what their records say."""
        first, rest = trials[:1], trials[1:]
        done = self.store.read_record(first[0].trial_id)
        if done is not None and done.key == first[0].key and done.status == "pruned" \
                and self.pruning_on():
            return S.outcome([done], metric)  # pruned before: stays pruned
        if done is not None and done.key == first[0].key and done.status == "ok":
            self.replay(trial, done, metric)  # the pruner's history of a seed run earlier
        self.execute(first, pruning=self.pruning(trial, metric) if self.pruning_on() else None)
        records = [self.store.read_record(t.trial_id) for t in first]
        if records[0] is not None and records[0].status == "ok" and rest and not self.stopped():
            self.execute(rest)
        records += [self.store.read_record(t.trial_id) for t in rest]
        records = [r if r is not None and r.key == t.key else None for r, t in zip(records, trials)]
        if records[0] is not None and records[0].status == "pruned":
            return S.outcome(records[:1], metric)
        return S.outcome(records, metric)

    def pruning_on(self) -> bool:
        return self.spec.pruner == "median" and self.suite.training.eval_strategy != "no"

    def pruning(self, trial, metric: str):
        """The hook fine-tunes call after each evaluation (TrialContext.pruning)."""
        unit = "epoch" if self.suite.training.eval_strategy == "epoch" else "step"

        def check(step: int, scores: dict) -> str | None:
            value = scores.get(metric)
            if value is None:
                return None
            trial.report(value, step)
            if trial.should_prune():
                return (f"pruned by the median pruner at {unit} {step}: validation {metric} "
                        f"{value:.4f} trails the median of earlier configurations there")
            return None

        return check

    def replay(self, trial, record, metric: str) -> None:
        """Report a finished seed's per-evaluation scores (its log) to a re-asked proposal."""
        unit_epoch = self.suite.training.eval_strategy == "epoch"
        for entry in record.log_history:
            value = entry.get(f"eval_{metric}")
            if value is not None:
                step = round(entry.get("epoch", 0)) if unit_epoch else entry.get("step", 0)
                trial.report(float(value), int(step))
