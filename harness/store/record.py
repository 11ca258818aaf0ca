"""The trial record: its schema is written down once, here, and versioned.

`schemas/record.schema.json` is exported from TrialRecord (`harness schema --record`); a test keeps
it current. Bump RECORD_SCHEMA_VERSION on any change that an old reader would misread.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

RECORD_SCHEMA_VERSION = 1
Status = Literal["ok", "failed", "diverged", "interrupted"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorInfo(_Part):
    type: str
    message: str
    traceback: str | None = Field(None, description="Last lines of the traceback.")


class Timing(_Part):
    total_wall_s: float
    train_runtime_s: float | None = None
    train_samples_per_s: float | None = None
    train_steps_per_s: float | None = None
    eval_runtime_s: float | None = None
    eval_samples_per_s: float | None = None
    test_runtime_s: float | None = None
    test_samples_per_s: float | None = None


class ModelFacts(_Part):
    model_type: str | None = None
    parameters: int | None = None
    layers: int | None = None
    hidden_size: int | None = None
    vocab_size: int | None = None
    max_position_embeddings: int | None = None
    resolved_revision: str | None = Field(None, description="Hub commit sha when the hub gave one.")


class Environment(_Part):
    python: str
    platform: str
    harness: str
    packages: dict[str, str | None]
    device: str = Field(description="cpu, cuda or mps")
    device_name: str | None = None
    precision: str | None = Field(None, description="float32, bf16 or fp16 as trained")
    git_sha: str | None = None
    git_dirty: bool | None = Field(None, description="Tracked files differed from git_sha.")
    hostname: str | None = None
    cpu_count: int | None = None


class EmbeddingFacts(_Part):
    """What an embedding trial (probe or mteb) evaluated and how."""

    pooling: str | None = Field(None, description="probe: cls, mean or pooler; mteb: the model's own "
                                                  "(sentence-transformers config) or the mean/cls wrap.")
    layer: int | None = Field(None, description="probe: hidden_states index (-1 = last).")
    classifier: str | None = Field(None, description="probe: classifier with its non-default settings.")
    task_type: str = Field(description="classification (probe) or the mteb task type.")
    main_score_name: str = Field(description="Name of the score that ranks this trial.")
    eval_split: str = Field(description="Split whose scores rank it (metrics[eval_split]).")


class TrialRecord(_Part):
    schema_version: Literal[1] = RECORD_SCHEMA_VERSION
    key: str = Field(description="sha256 of the trial's key material (see harness.plan.trials).")
    trial_id: str = Field(description="File-safe name: slug of the trial + key prefix.")
    run_id: str
    suite_name: str
    status: Status
    error: ErrorInfo | None = None
    method: str
    model_name: str | None = None
    dataset_name: str
    scheduler: str | None = None
    seed: int | None = None
    config: dict[str, Any] = Field(description="The key material: resolved config, fingerprints, packages.")
    metrics: dict[str, dict[str, float | None]] = Field(
        default_factory=dict, description="Per split (validation, test): metric name -> value.")
    main_metric: str
    label_names: list[str] = Field(default_factory=list)
    data_facts: dict[str, Any] = Field(default_factory=dict, description="Rows and label counts per split.")
    timing: Timing
    log_history: list[dict[str, Any]] = Field(default_factory=list)
    model_facts: ModelFacts | None = None
    environment: Environment
    started_at: str
    finished_at: str
    artifacts: dict[str, str] = Field(
        default_factory=dict, description="Paths relative to the results dir: predictions, model.")
    embedding: EmbeddingFacts | None = Field(
        None, description="probe and mteb trials: pooling, layer, classifier, task type, main score.")
    cache_hits: dict[str, bool] = Field(
        default_factory=dict, description="Per on-disk cache the trial used (tokenized, embeddings): "
                                          "whether it was reused rather than computed.")
