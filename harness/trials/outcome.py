"""What a method returns; the executor turns it into a TrialRecord."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


class Diverged(RuntimeError):
    """The loss became NaN or inf: recorded as status `diverged`, never as a score."""

    def __init__(self, message: str, log_history: list | None = None):
        super().__init__(message)
        self.log_history = log_history or []  # the Trainer's log up to the divergence


class Interrupted(RuntimeError):
    """Ctrl-C stopped the trial after a training step: recorded as status `interrupted`."""


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
    allocator: str | None = None  # Environment.cpu_allocator (fine-tune)
