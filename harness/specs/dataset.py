"""`datasets:` entries: a labelled text-classification dataset from the hub or local files."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Literal

from pydantic import Field, model_validator

from harness.specs.base import NAME, SEED_MAX, Strict
from harness.specs.field_error import FieldError

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
    """A labelled text-classification dataset: hub repo or local files per split."""

    name: str = Field(pattern=NAME)
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
        distinct_columns(self)
        return self

    def file_format(self, split: str) -> str:
        if self.format:
            return self.format
        suffix = PurePosixPath(self.files[split]).suffix.lower().lstrip(".")
        return {"jsonl": "jsonl", "json": "json", "csv": "csv", "tsv": "tsv", "parquet": "parquet",
                "txt": "tsv"}.get(suffix, "csv")
