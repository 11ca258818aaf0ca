"""Which metrics score a dataset, and scoring predictions with them.

A dataset's metrics: its own `metrics:` when given; else the suite's metrics that its task
type's family has (evaluate modules count for the label family only: they take ids); else the
task type's defaults. Its main metric: its own `main_metric`; else the suite's main metric when
it is among them; else the first of them. So a suite of classification datasets scores exactly
as before task types, and a regression dataset in it is scored by Pearson, Spearman and MSE.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from harness.metrics.compute import compute_metrics
from harness.metrics.families import greater_is_better, metric_fn, metric_range, names
from harness.metrics.registry import MetricContext
from harness.specs.metric import MetricRef
from harness.tasks.base import Predictions, TaskInfo, TaskType


@dataclass(frozen=True)
class Scoring:
    """A dataset's metrics (refs in order), its main metric and how to compute them."""

    task: TaskType
    refs: tuple[MetricRef, ...]
    main: str
    num_labels: int = 0
    positive_label_id: int | None = None

    @property
    def family(self) -> str:
        return self.task.family

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.refs]

    def context(self, probs: np.ndarray | None = None) -> MetricContext:
        return MetricContext(self.num_labels, self.positive_label_id, probs)

    def score(self, p: Predictions) -> dict[str, float | None]:
        return compute_metrics(self.refs, p.y_true, p.y_pred, self.context(p.probs), self.family)

    def fn(self, name: str):
        """metric(y_true, y_pred) -> float | None for a registry metric (None otherwise)."""
        base = metric_fn(self.family, name)
        if base is None:
            return None
        ctx = self.context()
        return lambda y_true, y_pred: base(y_true, y_pred, ctx)

    def greater_is_better(self, name: str) -> bool:
        return greater_is_better(self.family, name)

    def range(self, name: str) -> tuple[float, float] | None:
        return metric_range(self.family, name)


def dataset_metrics(suite_refs, suite_main: str | None, spec, task: TaskType
                    ) -> tuple[tuple[MetricRef, ...], str]:
    """(metric refs, main metric) of a dataset of this task type in this suite."""
    if spec.metrics:
        refs = tuple(spec.metrics)
    else:
        family = names(task.family)
        refs = tuple(r for r in suite_refs
                     if (r.evaluate is None and r.name in family)
                     or (r.evaluate is not None and task.family == "labels"))
        refs = refs or tuple(MetricRef(name=n) for n in task.default_metrics())
    given = [r.name for r in refs]
    main = spec.main_metric or (suite_main if suite_main in given else given[0])
    return refs, main


def scoring(suite, spec, task: TaskType, info: TaskInfo | None = None) -> Scoring:
    """The Scoring of a suite dataset (SuiteSettings: metrics, main_metric)."""
    refs, main = dataset_metrics(suite.metrics, suite.main, spec, task)
    info = info or TaskInfo()
    return Scoring(task, refs, main, info.num_labels, info.positive_label_id)


def unknown_metrics(spec, task: TaskType) -> list[tuple[int, str]]:
    """(index, name) of the dataset's own metrics that its task type's family lacks."""
    family = names(task.family)
    return [(i, r.name) for i, r in enumerate(spec.metrics or [])
            if r.evaluate is None and r.name not in family]
