"""Metrics are not part of a trial key, so a suite that gains a metric reuses its finished trials.
The new metric's test score is computed from the predictions stored beside the record (no model
is loaded, nothing retrained) and the record is rewritten atomically; validation scores of a new
metric stay absent because validation predictions are not stored.
"""

from __future__ import annotations

import numpy as np

from harness.data.load import positive_label_id
from harness.metrics.compute import compute_metrics
from harness.metrics.registry import MetricContext


def backfill_test_metrics(record, trial, suite, store) -> list[str]:
    """Add the suite's metrics missing from `record`'s test scores; returns the names added."""
    test = record.metrics.get("test", {})
    missing = [ref for ref in suite.metrics if ref.name not in test]
    rel = record.artifacts.get("predictions")
    if not missing or not rel:
        return []
    with np.load(store.root / rel) as arrays:
        y_true, y_pred = arrays["label_ids"], arrays["predictions"]
        probs = arrays["probabilities"] if "probabilities" in arrays.files else None
    names = record.label_names
    ctx = MetricContext(len(names), positive_label_id(trial.dataset, names), probs)
    added = compute_metrics(missing, y_true, y_pred, ctx)
    record.metrics["test"] = {**test, **added}
    store.write_record(record)
    return list(added)
