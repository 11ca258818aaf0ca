"""What a method returns; the executor turns it into a TrialRecord."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


class Diverged(RuntimeError):
    """The loss became NaN or inf: recorded as status `diverged`, never as a score."""


@dataclass
class MethodOutcome:
    metrics: dict[str, dict[str, float | None]]
    test_label_ids: np.ndarray | None  # None: no per-example predictions (mteb)
    test_predictions: np.ndarray | None
    test_probabilities: np.ndarray | None = None
    timing: dict[str, float | None] = field(default_factory=dict)
    log_history: list[dict] = field(default_factory=list)
    model_facts: dict | None = None
    precision: str | None = None
    model_dir: str | None = None  # relative to the results dir, when saved
    artifacts: dict[str, str] = field(default_factory=dict)  # more paths relative to the results dir
    cache_hits: dict[str, bool] = field(default_factory=dict)
    embedding: dict | None = None  # EmbeddingFacts fields (probe, mteb)
