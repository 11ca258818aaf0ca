"""The trial record: its schema is written down once, here, and versioned.

`schemas/record.schema.json` is exported from TrialRecord (`harness schema --record`); a test keeps
it current. Bump RECORD_SCHEMA_VERSION on any change that an old reader would misread.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# 2: status `pruned` (a search's pruner stopped the trial) and `configuration` (the values of
# the fields a grid or search varied). Version 1 records read as they are (configuration {}).
# 3: `task_type` (harness.tasks): the dataset's task type; `main_metric` and `metrics` are the
# dataset's own (a regression dataset's are pearson, spearman, mse); stored predictions are
# real values for regression. `runtime` (a trial evaluated through ONNX Runtime, OpenVINO or
# torch bf16: a version-2 reader would take its row for the torch one), Environment.cpu_model /
# cpu_features, Timing model_size_mb / encode_samples_per_s, MFU on CPU against its measured
# peak. Versions 1 and 2 read as classification records run by torch (runtime None).
RECORD_SCHEMA_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
Status = Literal["ok", "failed", "diverged", "interrupted", "pruned"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorInfo(_Part):
    type: str
    message: str
    traceback: str | None = Field(None, description="Last lines of the traceback.")


class Timing(_Part):
    """Seconds and rates of one trial. Rates of training are steady-state: the first optimizer
    steps (10 %, 1 to 10) are warm-up and left out, as are steps that held an evaluation or a save.
    GPU times are synchronised (CUDA events / synchronize)."""

    total_wall_s: float
    train_runtime_s: float | None = None
    train_samples_per_s: float | None = Field(None, description="Steady-state training rows/s.")
    train_steps_per_s: float | None = Field(None, description="Steady-state optimizer steps/s.")
    eval_runtime_s: float | None = None
    eval_samples_per_s: float | None = None
    test_runtime_s: float | None = None
    test_samples_per_s: float | None = None
    tokenize_s: float | None = Field(
        None, description="Fine-tune: getting the tokenized splits (tokenizing — QA: windows and "
                          "character offsets — or loading them from the tokenize cache).")
    decode_s: float | None = Field(
        None, description="Fine-tune: model outputs → predictions over validation and test (QA: "
                          "answers from the n-best spans of every window).")
    train_tokens_per_s: float | None = Field(
        None, description="Steady-state non-padding training tokens/s.")
    latency_ms_p50_b1: float | None = Field(None, description="Median ms of a 1-row forward (test rows).")
    latency_ms_p95_b1: float | None = None
    latency_ms_p50_batch: float | None = Field(
        None, description="Median ms of a full eval_batch_size batch of the (length-sorted) test pass.")
    latency_ms_p95_batch: float | None = None
    peak_memory_mb: float | None = Field(
        None, description="GPU: torch.cuda.max_memory_allocated; CPU: highest process RSS sampled "
                          "at every optimizer step and inference batch.")
    padding_share_train: float | None = Field(None, description="Padded ÷ all tokens of training batches.")
    padding_share_eval: float | None = Field(None, description="Padded ÷ all tokens of evaluation batches.")
    mfu_train: float | None = Field(
        None, description="6·params·tokens/s ÷ the device's peak for the dtype (GPU: datasheet; "
                          "CPU: this machine's measured matmul peak, harness.runtimes.cpu_peaks).")
    mfu_inference: float | None = Field(
        None, description="2·params·tokens/s (test pass) ÷ the device's peak, as mfu_train.")
    model_size_mb: float | None = Field(
        None, description="Runtime trials: MiB on disk of the model the runtime loads (the "
                          "export; torch-bf16: the kept torch model).")
    encode_samples_per_s: float | None = Field(
        None, description="mteb: texts encoded per second over every encode call of the trial "
                          "(tokenisation included; embeddings read from the cache left out); "
                          "probe: over its test split, when the trial encoded it.")


class ModelFacts(_Part):
    model_type: str | None = None
    parameters: int | None = None
    layers: int | None = None
    hidden_size: int | None = None
    vocab_size: int | None = None
    max_position_embeddings: int | None = None
    resolved_revision: str | None = Field(
        None, description="Hub models: the commit the suite's revision (default main) resolved to "
                          "when the run planned, which the trial loaded (harness.hub).")


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
    torch_threads: int | None = Field(None, description="torch intra-op threads of the trial.")
    omp_wait_policy: str | None = Field(None, description="OMP_WAIT_POLICY in force: PASSIVE, "
                                        "ACTIVE or default (harness/cpu.py chooses).")
    cpu_allocator: str | None = Field(None, description="Fine-tune: 'keep-freed' when glibc kept "
                                      "freed memory during the trial (harness/cpu.py), else 'default'.")
    cpu_model: str | None = Field(None, description="/proc/cpuinfo model name.")
    cpu_features: list[str] | None = Field(
        None, description="The CPU's matrix features (AMX-BF16, AMX-INT8, AVX-512 BF16, AVX-512 "
                          "VNNI, AVX-VNNI, AVX-512F, AVX2) from /proc/cpuinfo; None where unknown.")


class RuntimeFacts(_Part):
    """A trial evaluated through a runtime other than torch (harness.runtimes)."""

    name: str = Field(description="torch-bf16, onnx, onnx-int8, openvino or openvino-bf16.")
    precision: str = Field(description="fp32, bf16 or int8 (dynamic: int8 weights).")
    source_trial_id: str = Field(description="The trial whose model this one evaluated again "
                                             "(the fine-tune, or the torch trial of an encoder).")
    source_key: str
    packages: dict[str, str | None] = Field(default_factory=dict)
    quantization: dict[str, Any] | None = None
    threads: int | None = Field(None, description="Intra-op threads the runtime ran on.")
    compiled_precision: str | None = Field(
        None, description="OpenVINO: the INFERENCE_PRECISION_HINT the compiled model reports.")
    export: list[dict[str, Any]] = Field(
        default_factory=list, description="Each export step: folder, reused (made by an "
                                          "earlier trial) or seconds it took.")


class EmbeddingFacts(_Part):
    """What an embedding trial (probe or mteb) evaluated and how."""

    pooling: str | None = Field(None, description="probe: cls, mean or pooler; mteb: the model's own "
                                                  "(sentence-transformers config) or the mean/cls wrap.")
    layer: int | None = Field(None, description="probe: hidden_states index (-1 = last).")
    classifier: str | None = Field(None, description="probe: classifier with its non-default settings.")
    task_type: str = Field(description="classification (probe) or the mteb task type.")
    main_score_name: str = Field(description="Name of the score that ranks this trial.")
    eval_split: str = Field(description="Split whose scores rank it (metrics[eval_split]).")


class TrackerOutcome(_Part):
    """What one experiment tracker (harness/trackers/) made of a trial."""

    status: Literal["ok", "failed"] = Field(
        description="failed: the tracker raised; the trial went on without it (its result is not "
                    "affected) and the tracker may hold part of the run.")
    run: str | None = Field(None, description="Where the run is: TensorBoard event folder, MLflow "
                                              "run id, W&B run folder.")
    error: str | None = Field(None, description="The first failure: when (open, training, final) "
                                                "and the exception as 'Type: message'.")


class TrialRecord(_Part):
    """One trial's outcome, written atomically to `records/<trial_id>.json` as soon as the trial
    ends: the source of truth every report, comparison and export reads (they never re-run a
    model). `key` and `config` say exactly what produced it (model commit or content hash, data
    hash, code, packages); `environment` where and at which precision it ran. Versioned:
    `RECORD_SCHEMA_VERSION` (2 added status `pruned` and `configuration`, 3 the task type);
    older records read as they are. `status` is `ok`, `failed`, `diverged`, `pruned` or
    `interrupted`: only `ok` records carry scores, and only they are reused."""

    schema_version: Literal[1, 2, 3] = RECORD_SCHEMA_VERSION
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
    configuration: dict[str, float | int | str] = Field(
        default_factory=dict, description="The values of the fields the suite's grid or search "
                                          "varied for this trial (e.g. learning_rate); {} when "
                                          "none. Selection compares configurations by them.")
    metrics: dict[str, dict[str, float | None]] = Field(
        default_factory=dict, description="Per split (validation, test): metric name -> value.")
    task_type: str | None = Field(
        None, description="The dataset's task type (classification, regression, multiple_choice, "
                          "…; harness/tasks/). None for MTEB tasks (see embedding.task_type) "
                          "and in records before version 3, which are classification records.")
    main_metric: str = Field(description="The dataset's main metric (it ranks the rows).")
    label_names: list[str] = Field(
        default_factory=list, description="Class names in id order; for multiple choice the "
                                          "choice indices; empty for regression.")
    data_facts: dict[str, Any] = Field(default_factory=dict, description="Rows and label counts per split.")
    timing: Timing
    log_history: list[dict[str, Any]] = Field(default_factory=list)
    model_facts: ModelFacts | None = None
    environment: Environment
    started_at: str
    finished_at: str
    artifacts: dict[str, str] = Field(
        default_factory=dict, description="Paths relative to the results dir: predictions (npz: "
                                          "label_ids, predictions, probabilities in test row "
                                          "order; float scores for regression), model.")
    embedding: EmbeddingFacts | None = Field(
        None, description="probe and mteb trials: pooling, layer, classifier, task type, main score.")
    cache_hits: dict[str, bool] = Field(
        default_factory=dict, description="Per on-disk cache the trial used (tokenized, embeddings): "
                                          "whether it was reused rather than computed.")
    attempts: list[dict[str, Any]] = Field(
        default_factory=list, description="Out-of-memory retries, one entry per attempt (empty when "
                                          "the first attempt ran): reason, outcome, batch_size, "
                                          "gradient_accumulation_steps, eval_batch_size.")
    worker_deaths: list[str] = Field(
        default_factory=list, description="Parallel executors (local --jobs, ray): each worker "
                                          "process or node that died running this trial, in order; "
                                          "the trial was rerun after each, up to --retries.")
    tokenizer_fit: dict[str, Any] | None = Field(
        None, description="How the model's tokenizer fits the dataset (harness.inspection): tokens "
                          "per row mean/p95/max, truncated share at max_length, [UNK] rate, an "
                          "example row as tokens, warnings. None for trials without a model.")
    tracking: dict[str, TrackerOutcome] = Field(
        default_factory=dict, description="Per experiment tracker of the suite (tensorboard, "
                                          "mlflow, wandb): whether it got this trial's run, and "
                                          "where; empty without `tracking:`.")
    runtime: RuntimeFacts | None = Field(
        None, description="Set when the trial evaluated its model through a runtime other than "
                          "torch (docs/runtimes.md); None: torch.")
    reused_from: str | None = Field(
        None, description="Set when this ok record was copied from an earlier run under the same "
                          "history root (harness nightly) instead of being computed: the source "
                          "record's path relative to this results dir.")
