"""`datasets:` entries: a labelled text dataset from the hub or local files, and its task type
(classification, regression, multiple choice, …: harness/tasks/, declared or inferred)."""

from __future__ import annotations

import math
from pathlib import PurePosixPath
from typing import Literal

from pydantic import Field, field_validator, model_validator

from harness.specs.base import NAME, SEED_MAX, Strict
from harness.specs.field_error import FieldError
from harness.specs.metric import MetricRef

SPLITS = ("train", "validation", "test")
FILE_FORMATS = ("csv", "tsv", "json", "jsonl", "parquet")


def distinct_columns(spec, fields=("text_column", "text_pair_column", "label_column")) -> None:
    """A column plays one role: text, second text or label (the same column twice was a
    KeyError deep in datasets). FieldError on the field the suite gave."""
    seen: dict[str, str] = {}
    for name in fields:
        column = getattr(spec, name)
        if column is None:
            continue
        if column in seen:
            first = seen[column]  # blame the field the suite wrote (the other is a default)
            blamed, other = (first, name) if name not in spec.model_fields_set else (name, first)
            raise FieldError(blamed, f"{column!r} is also the {other}: a column is the text, "
                                     "the second text or the label, not two of them")
        seen[column] = name


class HubSource(Strict):
    id: str = Field(description="Hub dataset id of a parquet-backed repo (loading scripts are refused).")
    config: str | None = Field(None, description="Dataset config (subset) name.")
    revision: str | None = None
    splits: dict[Literal["train", "validation", "test"], str] | None = Field(
        None, description="Map harness split names to the repo's split names, e.g. {validation: dev}.")


class DatasetSpec(Strict):
    """A labelled text dataset: hub repo or local files per split; its task type declared or
    inferred from its columns."""

    name: str = Field(pattern=NAME)
    task: str | None = Field(
        None, description="The task type (harness/tasks/registry.py): classification, regression, "
                          "multiple_choice, ... Default: inferred — choice columns make "
                          "multiple_choice, label_range or non-integer numeric labels make "
                          "regression, anything else classification; validate prints it.")
    hub: HubSource | None = None
    files: dict[Literal["train", "validation", "test"], str] | None = Field(
        None, description="Local files per split (csv/tsv/json/jsonl/parquet); train is required.")
    format: Literal["csv", "tsv", "json", "jsonl", "parquet"] | None = Field(
        None, description="File format (default: from the file extension).")
    text_column: str = Field("text", description="The text; the question of a multiple-choice row.")
    text_pair_column: str | None = Field(None, description="Second text of a pair (NLI, paraphrase).")
    label_column: str = Field("label", description="Class (name or id), score (regression) or the "
                                                   "index of the right choice (multiple choice).")
    label_range: tuple[float, float] | None = Field(
        None, description="Regression: the scores' range, e.g. [0, 5]; a score outside it (or NaN, "
                          "or text) is a data error naming file and row.")
    choice_columns: list[str] | None = Field(
        None, description="Multiple choice: one column per choice, in order (choice0 … choice4); "
                          "the label is the right choice's index.")
    choices_column: str | None = Field(
        None, description="Multiple choice: one column holding the list of choices (instead of "
                          "choice_columns).")
    max_length: int | None = Field(
        None, ge=8, le=8192, description="Tokenizer truncation length for this dataset, for every "
                                         "model (JGLUE: 128 for JSTS/JNLI, 64 for JCommonsenseQA, "
                                         "384 for JSQuAD); default: the model's max_length.")
    # extractive_qa (docs/span-tasks.md): SQuAD-v1.1 JSON, or flat rows with these columns
    question_column: str | None = Field(None, description="Extractive QA: the question (default question).")
    context_column: str | None = Field(None, description="Extractive QA: the context (default context).")
    answers_column: str | None = Field(
        None, description="Extractive QA: gold answers {text: [...], answer_start: [...]} "
                          "(character offsets into the context; default answers).")
    id_column: str | None = Field(None, description="Extractive QA: the question id (default id).")
    doc_stride: int | None = Field(
        None, ge=0, description="Extractive QA: context tokens shared by consecutive windows of a "
                                "long context (default 128).")
    max_query_length: int | None = Field(
        None, ge=1, description="Extractive QA: question tokens kept (default 64).")
    n_best_size: int | None = Field(
        None, ge=1, description="Extractive QA: best start and end tokens paired per window (default 20).")
    max_answer_length: int | None = Field(
        None, ge=1, description="Extractive QA: longest answer in tokens (default 30).")
    answer_normalization: Literal["squad", "jglue"] | None = Field(
        None, description="Extractive QA: EM/F1 as the official SQuAD v1.1 script (squad) or JGLUE's "
                          "patch (jglue: character F1, trailing 。 stripped). Default: jglue for "
                          "Japanese contexts, else squad.")
    # token_classification: text + character-span entities, or word and tag lists
    entities_column: str | None = Field(
        None, description="Token classification: entities [{span: [start, end), type}] of the text "
                          "(default entities).")
    words_column: str | None = Field(
        None, description="Token classification, word-list data: the words (with tags_column).")
    tags_column: str | None = Field(
        None, description="Token classification, word-list data: IOB2 tags (strings, or ids named by "
                          "label_names or a ClassLabel).")
    label_all_tokens: bool | None = Field(
        None, description="Token classification: tag every sub-word token (true) or only each "
                          "word's first (false, the default).")
    metrics: list[MetricRef] | None = Field(
        None, description="This dataset's metrics (default: the suite's metrics that apply to its "
                          "task type, else the task type's defaults).")
    main_metric: str | None = Field(
        None, description="This dataset's main metric (default: the suite's main_metric when it "
                          "applies, else the first of its metrics).")
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

    @field_validator("metrics", mode="before")
    @classmethod
    def _metric_shorthand(cls, v):
        return [{"name": m} if isinstance(m, str) else m for m in v] if isinstance(v, list) else v

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
        if self.label_range is not None:
            low, high = self.label_range
            if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
                raise FieldError("label_range", "needs two finite numbers [low, high] with low < high")
        if self.choice_columns is not None and self.choices_column is not None:
            raise FieldError("choices_column", "give choice_columns or choices_column, not both")
        if self.choice_columns is not None:
            if len(self.choice_columns) < 2:
                raise FieldError("choice_columns", "needs at least 2 columns")
            dupes = sorted({c for c in self.choice_columns if self.choice_columns.count(c) > 1})
            if dupes:
                raise FieldError("choice_columns", f"repeats {', '.join(dupes)}")
        if self.metrics is not None:
            names = [m.name for m in self.metrics]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if not names or dupes:
                raise FieldError("metrics", f"repeats {', '.join(dupes)}" if dupes
                                 else "needs at least one metric")
            if self.main_metric is not None and self.main_metric not in names:
                raise FieldError("main_metric", f"{self.main_metric!r} is not one of metrics")
        if (self.words_column is None) != (self.tags_column is None):
            raise FieldError("tags_column" if self.tags_column is None else "words_column",
                             "word-list data needs both words_column and tags_column")
        if self.test_size + self.validation_size >= 0.9:
            raise FieldError("test_size", "test_size + validation_size leaves too little train")
        distinct_columns(self)
        return self

    def max_length_for(self, model) -> int:
        """The truncation length a model reads this dataset at."""
        return self.max_length or model.max_length

    def file_format(self, split: str) -> str:
        if self.format:
            return self.format
        suffix = PurePosixPath(self.files[split]).suffix.lower().lstrip(".")
        return {"jsonl": "jsonl", "json": "json", "csv": "csv", "tsv": "tsv", "parquet": "parquet",
                "txt": "tsv"}.get(suffix, "csv")
