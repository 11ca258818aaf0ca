"""What a method's `run` gets besides its trial: the suite's settings, the results store and
per-run caches of prepared data, tokenizers and tokenized splits (so schedulers and seeds reuse
them), the stop request Ctrl-C sets (harness.execution.interrupt) and where a Trainer reports
its curves (harness.trackers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

from harness.specs.dataset import DatasetSpec
from harness.specs.metric import MetricRef
from harness.specs.model import ModelSpec
from harness.specs.training import TrainingSpec
from harness.store.store import ResultsStore
from harness.tasks.prepare import PreparedData, prepare_once
from harness.tasks.scoring import Scoring, scoring


class SuiteSettings(Protocol):
    """The parts of a suite (harness.suite.schema.Suite) that methods read."""

    @property
    def name(self) -> str: ...

    @property
    def models(self) -> list[ModelSpec]: ...

    @property
    def datasets(self) -> list[DatasetSpec]: ...

    @property
    def training(self) -> TrainingSpec: ...

    @property
    def metrics(self) -> list[MetricRef]: ...

    @property
    def seeds(self) -> list[int]: ...

    @property
    def main(self) -> str: ...

    @property
    def search(self): ...  # harness.specs.search.SearchSpec | None

    def runtimes_for(self, model: ModelSpec) -> list[str]: ...  # harness.specs.runtime names


@dataclass
class StopRequest:
    """Set by the first Ctrl-C: the trial in flight stops after its current step."""

    requested: bool = False
    reason: str = "Ctrl-C (SIGINT)"


@dataclass
class TrainerReporting:
    """Where a fine-tune's Trainer sends its training curves: the transformers integrations
    (`report_to` names) whose runs harness.trackers opened for this trial, the run's name, and
    what to call when one of them raises (the trial goes on without that tracker)."""

    report_to: list[str]
    run_name: str
    failed: Callable[[str, BaseException], None]


@dataclass
class TrialContext:
    """What a method's `run(trial, ctx)` gets besides its trial; one per run (per worker
    process under `--jobs` and Ray), shared by every trial it runs.

    Attributes:
        suite: The suite's settings methods read (`SuiteSettings`: models, datasets, training,
            metrics, seeds, main metric, search).
        store: The results dir (`harness.store.store.ResultsStore`): where a method writes files
            beside the record (`store.inside(...)` keeps paths inside it).
        run_id: The run this trial belongs to.
        verbose: `harness run --verbose`: let libraries print (the Trainer's log dicts).
        data: Datasets prepared this run, by name (`prepared(spec)` fills it).
        memo: Anything else memoised for the run (`cached(key, make)`): tokenizers, tokenized
            splits, encoders.
        stop: Set by the first Ctrl-C: stop after the current step and raise `Interrupted`.
        training_override: Batch settings of an out-of-memory retry (`training(trial)` applies
            them); None on the first attempt.
        reporting: The Trainer integrations whose tracker runs are open for this trial (None
            without `tracking:`).
        pruning: A search's pruner: call it after each evaluation with (epoch or step,
            {metric: validation score}); a returned reason means raise `Pruned`.
    """

    suite: SuiteSettings
    store: ResultsStore
    run_id: str
    verbose: bool = False
    data: dict[str, PreparedData] = field(default_factory=dict)
    memo: dict = field(default_factory=dict)
    stop: StopRequest = field(default_factory=StopRequest)
    training_override: dict | None = None  # set by the OOM retry loop (harness.execution.retry)
    reporting: TrainerReporting | None = None  # set while trackers hold runs for the trial
    # A search's pruner (harness.search): called after each evaluation during training with
    # (epoch or step, {metric: validation score}); a returned reason stops the trial as pruned.
    pruning: Callable[[int, dict], str | None] | None = None

    def training(self, trial) -> TrainingSpec:
        """The trial's training settings (its configuration of the grid; the suite's first when
        it has none), with this attempt's batch override (OOM retries)."""
        base = trial.training or self.suite.training.configurations()[0][1]
        return base.model_copy(update=self.training_override) if self.training_override else base

    def prepared(self, spec: DatasetSpec) -> PreparedData:
        """The dataset's splits, prepared once per run."""
        if spec.name not in self.data:
            self.data[spec.name] = prepare_once(spec)
        return self.data[spec.name]

    def scoring(self, spec: DatasetSpec) -> Scoring:
        """The dataset's metrics and main metric (harness.tasks.scoring), for its task type."""
        data = self.prepared(spec)
        return scoring(self.suite, spec, data.task, data.info)

    def cached(self, key: Any, make: Callable[[], Any]) -> Any:
        """Memoise anything expensive for the rest of the run (tokenizers, tokenized splits)."""
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]

    @property
    def scratch(self) -> Path:
        return self.store.root / ".scratch"
