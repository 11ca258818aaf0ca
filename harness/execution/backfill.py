"""Metrics are not part of a trial key, so a suite that gains a metric reuses its finished trials.
The new metric's test score is computed from the predictions stored beside the record (no model
is loaded, nothing retrained) and the record is rewritten atomically; validation scores of a new
metric stay absent because validation predictions are not stored.
"""

from __future__ import annotations

from harness.specs.dataset import DatasetSpec
from harness.tasks.base import Predictions, TaskInfo
from harness.tasks.classification import positive_label_id
from harness.tasks.registry import task_type
from harness.tasks.scoring import Scoring, dataset_metrics


def backfill_test_metrics(record, trial, suite, store) -> list[str]:
    """Add the dataset's metrics missing from `record`'s test scores; returns the names added."""
    rel = record.artifacts.get("predictions")
    if not rel or not isinstance(trial.dataset, DatasetSpec):  # mteb trials store none
        return []
    task = task_type(record.task_type)
    refs, _ = dataset_metrics(suite.metrics, suite.main, trial.dataset, task)
    test = record.metrics.get("test", {})
    missing = [ref for ref in refs if ref.name not in test]
    if not missing:
        return []
    stored = store.read_predictions(record)  # None when missing or damaged (noted there)
    if stored is None:
        return []
    names = record.label_names
    info = TaskInfo(list(names), positive_label_id(trial.dataset, names))
    added = Scoring(task, tuple(missing), missing[0].name, info.num_labels,
                    info.positive_label_id).score(Predictions(stored["label_ids"],
                                                              stored["predictions"],
                                                              stored.get("probabilities")))
    record.metrics["test"] = {**test, **added}
    store.write_record(record)
    return list(added)
