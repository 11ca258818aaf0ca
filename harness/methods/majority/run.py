"""The majority-class baseline: the train split's most frequent label predicted everywhere.

Stored once per dataset as a trial of its own, so the leaderboard shows what "learned nothing"
scores next to every fine-tune.
"""

from __future__ import annotations

import time
from collections import Counter

import numpy as np

from harness.data.load import LABEL, column_values
from harness.methods.base import MethodOutcome
from harness.methods.context import TrialContext
from harness.metrics.compute import compute_metrics
from harness.metrics.registry import MetricContext
from harness.trial import Trial


def run(trial: Trial, ctx: TrialContext) -> MethodOutcome:
    """Predict the train split's most frequent label (ties: lowest id) for every row."""
    start = time.perf_counter()
    data = ctx.prepared(trial.dataset)
    counts = Counter(column_values(data.splits["train"], LABEL))
    majority = min(counts, key=lambda label: (-counts[label], label))  # ties: lowest id
    metrics = {}
    y_test = None
    for split in ("validation", "test"):
        if split not in data.splits:
            continue
        y_true = np.asarray(column_values(data.splits[split], LABEL), dtype=np.int64)
        y_pred = np.full_like(y_true, majority)
        ctx_m = MetricContext(data.num_labels, data.positive_label_id)
        metrics[split] = compute_metrics(ctx.suite.metrics, y_true, y_pred, ctx_m)
        y_test = (y_true, y_pred) if split == "test" else y_test
    probs = np.zeros((len(y_test[0]), data.num_labels), dtype=np.float32)
    probs[:, majority] = 1.0
    return MethodOutcome(metrics=metrics, test_label_ids=y_test[0], test_predictions=y_test[1],
                         test_probabilities=probs,
                         timing={"test_runtime_s": time.perf_counter() - start})
