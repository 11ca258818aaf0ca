"""A group: the seeds of one configuration of one report row (dataset × model × method ×
scheduler), its ok records and the ones that did not end ok."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.methods.registry import is_baseline
from harness.store.record import TrialRecord
from harness.trial import configuration_label

MAJORITY_MARK = "≈ majority"  # a row that learned nothing beyond its dataset's majority class


@dataclass
class Group:
    """The seeds of one configuration: ok records and the ones that failed, diverged, were
    pruned or interrupted."""
    dataset: str
    model: str
    method: str
    scheduler: str
    ok: list[TrialRecord] = field(default_factory=list)
    bad: list[TrialRecord] = field(default_factory=list)
    configuration: tuple = ()  # ((field, value), ...) of a grid or search; () when none
    marker: str = ""  # MAJORITY_MARK when the row learned nothing (harness.reports.learned)
    marker_reason: str = ""
    note: str = ""  # why a row shows no scores (no configuration could be selected)

    @property
    def row(self) -> tuple:
        """The report row this configuration belongs to."""
        return self.dataset, self.model, self.method, self.scheduler

    @property
    def baseline(self) -> bool:
        return is_baseline(self.method)

    @property
    def values_label(self) -> str:
        """`learning_rate=5e-05` ('' without a configuration)."""
        return configuration_label(dict(self.configuration))

    @property
    def row_label(self) -> str:
        """`model / method / scheduler` and the ≈ majority marker, without the configuration."""
        text = " / ".join(p for p in (self.model, self.method, self.scheduler) if p != "-")
        return text + (f" {self.marker}" if self.marker else "")

    @property
    def label(self) -> str:
        """The row label with its configuration: `tiny / finetune / linear (learning_rate=5e-05)`."""
        text = " / ".join(p for p in (self.model, self.method, self.scheduler) if p != "-")
        if self.configuration:
            text += f" ({self.values_label})"
        return text + (f" {self.marker}" if self.marker else "")

    def values(self, metric: str, split: str = "test") -> list[float]:
        return [v for r in self.ok if (v := r.metrics.get(split, {}).get(metric)) is not None]

    def failures(self) -> list[str]:
        return [f"{r.status} (seed {r.seed}): "
                + (f"{r.error.type}: {r.error.message}" if r.error else r.status) for r in self.bad]


def group_records(records: list[TrialRecord]) -> list[Group]:
    """One group per row × configuration, in the records' (plan) order."""
    out: dict[tuple, Group] = {}
    for r in records:
        config = tuple(r.configuration.items())
        key = (r.dataset_name, r.model_name or "-", r.method, r.scheduler or "-", config)
        group = out.setdefault(key, Group(*key[:4], configuration=config))
        (group.ok if r.status == "ok" else group.bad).append(r)
    return list(out.values())
