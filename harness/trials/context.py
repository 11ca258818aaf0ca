"""Per-run state shared by trials: the suite, the store, and in-process caches of prepared data,
tokenizers and tokenized splits (so schedulers and seeds reuse them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from harness.data.load import PreparedData, prepare_once
from harness.specs.dataset import DatasetSpec
from harness.specs.training import TrainingSpec
from harness.store.store import ResultsStore
from harness.suite.schema import Suite
from harness.trials.interrupt import StopRequest


@dataclass
class TrialContext:
    suite: Suite
    store: ResultsStore
    run_id: str
    verbose: bool = False
    data: dict[str, PreparedData] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict)
    stop: StopRequest = field(default_factory=StopRequest)
    training_override: dict | None = None  # set by the OOM retry loop (harness.trials.retry)

    @property
    def training(self) -> TrainingSpec:
        """The suite's training settings, with this attempt's batch override (OOM retries)."""
        base = self.suite.training
        return base.model_copy(update=self.training_override) if self.training_override else base

    def trainer_callbacks(self, trial) -> list:
        from harness.trials.callbacks import trainer_callbacks

        return trainer_callbacks(trial, self.stop)

    def prepared(self, spec: DatasetSpec) -> PreparedData:
        if spec.name not in self.data:
            self.data[spec.name] = prepare_once(spec)
        return self.data[spec.name]

    def cached(self, key, make):
        """Memoise anything expensive for the rest of the run (tokenizers, tokenized splits)."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def scratch(self) -> Path:
        return self.store.root / ".scratch"
