"""Metric registry: name -> function(y_true, y_pred, ctx) -> float | None.

Adding a metric is one function and one line in METRICS. scikit-learn is imported inside the
functions, so naming metrics (validate, --help) stays light.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class MetricContext:
    num_labels: int
    positive_label_id: int | None  # binary tasks only
    probabilities: np.ndarray | None = None


MetricFn = Callable[[np.ndarray, np.ndarray, MetricContext], "float | None"]


def _labels(ctx: MetricContext) -> list[int]:
    return list(range(ctx.num_labels))


def accuracy(y_true, y_pred, ctx):
    from sklearn.metrics import accuracy_score
    return float(accuracy_score(y_true, y_pred))


def _averaged(score_name: str, average: str) -> MetricFn:
    def fn(y_true, y_pred, ctx):
        import sklearn.metrics as skm
        score = getattr(skm, score_name)
        if average == "binary":
            if ctx.positive_label_id is None:
                return None  # not a binary task: the record says null, the report shows it blank
            return float(score(y_true, y_pred, average="binary", pos_label=ctx.positive_label_id,
                               zero_division=0))
        return float(score(y_true, y_pred, average=average, labels=_labels(ctx), zero_division=0))
    fn.__name__ = f"{score_name}_{average}"
    fn.binary_only = average == "binary"
    return fn


def mcc(y_true, y_pred, ctx):
    from sklearn.metrics import matthews_corrcoef
    return float(matthews_corrcoef(y_true, y_pred))


METRICS: dict[str, MetricFn] = {
    "accuracy": accuracy,
    "f1": _averaged("f1_score", "binary"),
    "f1_macro": _averaged("f1_score", "macro"),
    "f1_weighted": _averaged("f1_score", "weighted"),
    "f1_micro": _averaged("f1_score", "micro"),
    "precision": _averaged("precision_score", "binary"),
    "precision_macro": _averaged("precision_score", "macro"),
    "recall": _averaged("recall_score", "binary"),
    "recall_macro": _averaged("recall_score", "macro"),
    "mcc": mcc,
}

DEFAULT = ("accuracy", "f1_macro", "mcc")  # a suite without `metrics:`

# Metrics that are null on tasks with more than two labels.
BINARY_ONLY = frozenset(name for name, fn in METRICS.items() if getattr(fn, "binary_only", False))

# Higher is better for every metric above; kept explicit for `metric_for_best_model`.
GREATER_IS_BETTER: dict[str, bool] = {name: True for name in METRICS}

# The range each metric's values lie in: intervals over seeds are clipped to it where they are
# drawn or exported (harness.reports). Metrics not listed (evaluate modules) are not clipped.
RANGES: dict[str, tuple[float, float]] = {name: (0.0, 1.0) for name in METRICS} | {"mcc": (-1.0, 1.0)}
