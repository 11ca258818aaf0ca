"""Compute a suite's metrics on predictions: registry metrics and local `evaluate` modules."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from harness.metrics.families import metric_fn
from harness.metrics.registry import MetricContext


def compute_metrics(metric_refs, y_true: np.ndarray, y_pred: np.ndarray,
                    ctx: MetricContext, family: str = "labels") -> dict[str, float | None]:
    """`metric_refs` are a dataset's MetricRef items (a registry name of the task type's metric
    family, or a local evaluate module)."""
    out: dict[str, float | None] = {}
    for ref in metric_refs:
        if ref.evaluate is None:
            out[ref.name] = metric_fn(family, ref.name)(y_true, y_pred, ctx)
        else:
            out[ref.name] = _evaluate_module(ref, y_true, y_pred)
    return out


_MODULES: dict[str, object] = {}


def _evaluate_module(ref, y_true, y_pred) -> float:
    import evaluate  # optional dependency: only suites that name a module need it

    path = str(Path(ref.evaluate))
    module = _MODULES.get(path)
    if module is None:
        module = _MODULES[path] = evaluate.load(path)
    result = module.compute(predictions=[int(p) for p in y_pred],
                            references=[int(t) for t in y_true], **ref.kwargs)
    key = ref.key or ref.name
    if key not in result:
        raise ValueError(f"evaluate module {path} returned {sorted(result)}, not {key!r}")
    return float(result[key])
