"""The suite entry of `mteb`: MTEB tasks by name (data from the hub) or local tasks declared
here (type + files), evaluated on each model."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Literal

from pydantic import Field, field_validator, model_validator

from harness.specs.base import NAME, Strict
from harness.specs.field_error import FieldError

TASK_TYPES = ("classification", "pair_classification", "sts", "clustering")
# mteb's TaskMetadata.type and default main score per local task type.
MTEB_TYPES = {"classification": "Classification", "pair_classification": "PairClassification",
              "sts": "STS", "clustering": "Clustering"}
DEFAULT_MAIN_SCORE = {"classification": "accuracy", "pair_classification": "max_ap",
                      "sts": "cosine_spearman", "clustering": "v_measure"}
# Score names each task type reports (mteb 2.26): main_score must be one of them.
TASK_SCORES = {
    "classification": ("accuracy", "f1", "f1_weighted", "precision", "precision_weighted", "recall",
                       "recall_weighted", "ap", "ap_weighted"),
    "pair_classification": tuple(f"{s}_{m}" for s in ("max", "similarity", "cosine", "manhattan",
                                                      "euclidean", "dot")
                                 for m in ("accuracy", "f1", "precision", "recall", "ap")),
    "sts": tuple(f"{p}{m}" for p in ("", "cosine_", "manhattan_", "euclidean_")
                 for m in ("pearson", "spearman")),
    "clustering": ("v_measure",),
}


class MtebTaskSpec(Strict):
    """An MTEB task: by registry name (`name` only, data from the hub), or local (`type` + `files`)."""

    name: str = Field(description="MTEB task name (e.g. JSTS), or your local task's name.")
    type: Literal["classification", "pair_classification", "sts", "clustering"] | None = Field(
        None, description="Local tasks only: the task type.")
    files: dict[str, str] | None = Field(
        None, description="Local tasks: split name -> file (csv/tsv/json/jsonl/parquet).")
    format: Literal["csv", "tsv", "json", "jsonl", "parquet"] | None = None
    text_column: str = Field("text", description="Text (sts/pair_classification: first sentence).")
    text_pair_column: str | None = Field(None, description="Second sentence (sts, pair_classification).")
    label_column: str = Field("label", description="Label; sts: the gold similarity score; "
                                                   "pair_classification: 0/1 (or see positive_label).")
    positive_label: str | None = Field(None, description="pair_classification: the label value "
                                                         "meaning 'pair matches' (1); others are 0.")
    eval_splits: list[str] = Field(default_factory=lambda: ["test"])
    train_split: str = Field("train", description="classification: the split the classifier learns on.")
    main_score: str | None = Field(None, description="Default: accuracy, max_ap, cosine_spearman, "
                                                     "v_measure by type.")
    languages: list[str] = Field(default_factory=lambda: ["eng-Latn"], description="mteb eval_langs, "
                                 "ISO 639-3 + script, e.g. jpn-Jpan.")
    min_score: float = Field(0.0, description="sts: lowest possible gold score.")
    max_score: float = Field(5.0, description="sts: highest possible gold score.")
    samples_per_label: int | None = Field(None, ge=1, description="classification: mteb's "
                                           "undersampling of train per label (mteb default 8).")
    n_experiments: int | None = Field(None, ge=1, description="classification: repetitions "
                                                               "(mteb default 10).")

    @property
    def local(self) -> bool:
        return self.type is not None

    @property
    def main(self) -> str:
        return self.main_score or (DEFAULT_MAIN_SCORE[self.type] if self.type else "main_score")

    def file_format(self, split: str) -> str:
        if self.format:
            return self.format
        suffix = PurePosixPath(self.files[split]).suffix.lower().lstrip(".")
        return suffix if suffix in ("csv", "tsv", "json", "jsonl", "parquet") else "csv"

    @model_validator(mode="after")
    def _consistent(self):
        if not self.local:
            given = sorted(k for k in self.model_fields_set if k != "name")
            if given:
                raise FieldError(given[0], "applies to local tasks only (set type: and files:)")
            return self
        import re

        if not re.match(NAME, self.name):
            raise FieldError("name", "a local task name is letters, digits, '.', '_', '-'")
        if not self.files:
            raise FieldError("files", f"a local {self.type} task needs files")
        if not self.eval_splits:
            raise FieldError("eval_splits", "needs at least one split")
        needed = list(self.eval_splits) + ([self.train_split] if self.type == "classification" else [])
        for split in needed:
            if split not in self.files:
                raise FieldError("files", f"has no file for split {split!r} (eval_splits/train_split)")
        if self.type in ("sts", "pair_classification") and not self.text_pair_column:
            raise FieldError("text_pair_column", f"a {self.type} task needs a second text column")
        if self.type not in ("sts", "pair_classification") and self.text_pair_column:
            raise FieldError("text_pair_column", f"does not apply to {self.type} tasks")
        if self.positive_label is not None and self.type != "pair_classification":
            raise FieldError("positive_label", "applies to pair_classification tasks only")
        if self.main_score is not None and self.main_score not in TASK_SCORES[self.type]:
            raise FieldError("main_score", f"{self.main_score!r} is not a {self.type} score; "
                                             f"known: {', '.join(TASK_SCORES[self.type])}")
        if self.type == "sts" and self.max_score <= self.min_score:
            raise FieldError("max_score", "must be above min_score")
        if self.type != "classification" and (self.samples_per_label or self.n_experiments):
            raise FieldError("samples_per_label", "applies to classification tasks only")
        for i, code in enumerate(self.languages):
            if not re.match(r"^[a-z]{2,3}-[A-Z][a-z]{3}$", code):
                raise FieldError(f"languages.{i}", f"{code!r} is not a language-script code "
                                                     "like jpn-Jpan")
        return self


class MtebMethod(Strict):
    """MTEB evaluation of each model on each task (mteb.evaluate, the model as a SentenceTransformer)."""

    type: Literal["mteb"] = "mteb"
    tasks: list[MtebTaskSpec] = Field(min_length=1, description="Task names or local task mappings.")
    batch_size: int = Field(32, ge=1, description="Encoding batch size (mteb's default 32).")
    pooling: Literal["mean", "cls"] = Field(
        "mean", description="Pooling for model dirs without a sentence-transformers config.")

    @field_validator("tasks", mode="before")
    @classmethod
    def _task_shorthand(cls, v):
        return [{"name": t} if isinstance(t, str) else t for t in v] if isinstance(v, list) else v

    @model_validator(mode="after")
    def _unique(self):
        names = [t.name for t in self.tasks]
        for i, name in enumerate(names):
            if names.index(name) != i:
                raise FieldError(f"tasks.{i}.name", f"task {name!r} is listed twice")
        return self
