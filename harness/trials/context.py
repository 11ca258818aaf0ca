"""Per-run state shared by trials: the suite, the store, and in-process caches of prepared data,
tokenizers and tokenized splits (so schedulers and seeds reuse them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from harness.data.load import PreparedData, prepare_once
from harness.store.store import ResultsStore
from harness.suite.schema import DatasetSpec, Suite


@dataclass
class TrialContext:
    suite: Suite
    store: ResultsStore
    run_id: str
    verbose: bool = False
    data: dict[str, PreparedData] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict)

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
