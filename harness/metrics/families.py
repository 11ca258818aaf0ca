"""Metric families: which metrics exist for which kind of prediction, looked up by (family, name).

A task type (harness.tasks) names its family: `labels` (class or choice ids: classification,
multiple choice; harness.metrics.registry), `scores` (real values: regression;
harness.metrics.scores). A new family is one module with METRICS, DEFAULT, RANGES and
GREATER_IS_BETTER and one line in FAMILIES. The same name may mean a family's own standard
(`f1` of labels is binary F1; a span family's `f1` is its overlap F1).
"""

from __future__ import annotations

from types import ModuleType

from harness.metrics import registry, scores

FAMILIES: dict[str, ModuleType] = {"labels": registry, "scores": scores}


def names(family: str) -> list[str]:
    return list(FAMILIES[family].METRICS)


def defaults(family: str) -> list[str]:
    return list(FAMILIES[family].DEFAULT)


def all_names() -> list[str]:
    """Every registry metric name of every family, first seen first."""
    return list(dict.fromkeys(n for f in FAMILIES.values() for n in f.METRICS))


def metric_fn(family: str, name: str):
    """fn(y_true, y_pred, ctx) -> float | None; None for a name the family does not have."""
    return FAMILIES[family].METRICS.get(name)


def metric_range(family: str, name: str) -> tuple[float, float] | None:
    return FAMILIES[family].RANGES.get(name)


def greater_is_better(family: str, name: str) -> bool:
    return FAMILIES[family].GREATER_IS_BETTER.get(name, True)


def family_of(name: str) -> list[str]:
    """The families that have a metric of this name."""
    return [f for f, module in FAMILIES.items() if name in module.METRICS]
