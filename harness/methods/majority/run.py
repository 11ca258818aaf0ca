"""The learned-nothing baseline of a dataset's task type, predicted from the train split alone:
the most frequent label (classification), the train mean (regression), the most frequent right
choice (multiple choice). Stored once per dataset as a trial of its own, so every leaderboard
shows what "learned nothing" scores next to every model."""

from __future__ import annotations

import time

from harness.methods.base import MethodOutcome
from harness.methods.context import TrialContext
from harness.trial import Trial


def run(trial: Trial, ctx: TrialContext) -> MethodOutcome:
    start = time.perf_counter()
    data = ctx.prepared(trial.dataset)
    scoring = ctx.scoring(trial.dataset)
    metrics, test = {}, None
    for split in ("validation", "test"):
        if split not in data.splits:
            continue
        predicted = data.task.baseline(data.splits["train"], data.splits[split], data.info)
        metrics[split] = scoring.score(predicted)
        test = predicted if split == "test" else test
    return MethodOutcome(metrics=metrics, test_label_ids=test.y_true, test_predictions=test.y_pred,
                         test_probabilities=test.probs,
                         timing={"test_runtime_s": time.perf_counter() - start})
