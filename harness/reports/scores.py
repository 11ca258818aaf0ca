"""What each dataset of a results dir is scored by: its task type (harness.tasks), its metrics
in order, its main metric (it ranks the rows), the metric selection reads on validation, and the
Scoring that recomputes any of them from stored predictions. Read from the records (each names
its task type and main metric; before record version 3 every record was classification) and the
resolved suite (the selection metric, a binary dataset's positive label)."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from harness.store.record import TrialRecord
from harness.tasks.base import TaskType
from harness.tasks.classification import positive_label_id
from harness.tasks.registry import task_type
from harness.tasks.scoring import Scoring, dataset_metrics


@dataclass(frozen=True)
class DatasetScores:
    dataset: str
    task: TaskType
    metrics: list[str]
    main: str
    selection: str  # the validation metric a grid's configurations are chosen by
    label_names: list[str]
    positive_label_id: int | None

    def scoring(self) -> Scoring:
        from harness.specs.metric import MetricRef

        return Scoring(self.task, tuple(MetricRef(name=m) for m in self.metrics), self.main,
                       len(self.label_names), self.positive_label_id)

    def greater_is_better(self, metric: str) -> bool:
        return self.scoring().greater_is_better(metric)


def dataset_scores(records: list[TrialRecord], suite: dict | None) -> dict[str, DatasetScores]:
    """Per dataset name (records' first-seen order)."""
    from harness.specs.metric import MetricRef

    by_dataset: dict[str, list[TrialRecord]] = {}
    for r in records:
        by_dataset.setdefault(r.dataset_name, []).append(r)
    specs = {d.get("name"): d for d in (suite or {}).get("datasets", [])}
    suite_metrics = [MetricRef.model_validate(m) for m in (suite or {}).get("metrics", [])]
    suite_main = (suite or {}).get("main_metric") or (suite_metrics[0].name if suite_metrics else None)
    chooses = ((suite or {}).get("selection") or {}).get("metric")
    out = {}
    for name, recs in by_dataset.items():
        task = task_type(next((r.task_type for r in recs if r.task_type), None))
        measured = list(dict.fromkeys(m for r in recs for m in r.metrics.get("test", {})))
        main = next((r.main_metric for r in recs if r.status == "ok"), recs[0].main_metric)
        spec = specs.get(name) or {}
        if not measured:  # no trial scored yet: what the suite would score it by
            refs, main = dataset_metrics(suite_metrics, suite_main,
                                         SimpleNamespace(metrics=None, main_metric=None), task)
            measured = [r.name for r in refs]
        selection = chooses if chooses in measured else main
        labels = next((r.label_names for r in recs if r.label_names), [])
        positive = positive_label_id(SimpleNamespace(positive_label=spec.get("positive_label")),
                                     labels) if task.family == "labels" else None
        out[name] = DatasetScores(name, task, measured, main, selection, list(labels), positive)
    return out
