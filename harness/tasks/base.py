"""The contract of a task type: what a dataset *is* (classification, regression, multiple choice,
...) and everything that follows from it, in one place per task type.

A task type is one module (or folder) under harness/tasks/ and one line in
harness/tasks/registry.py. It says

- `declared_by` / `claims`: whether a dataset spec names it (its own fields, e.g. choice
  columns) or whether the raw train split looks like it (inference, for specs without `task:`);
- `canonical`: the raw split made into the canonical columns (TEXT, PAIR, LABEL, CHOICES...),
  with one-line DataErrors naming split, row and spec field; `info` (label names, score range,
  number of choices) is derived from the train split and the spec;
- `summary` and `facts`: validate's line and the record's data facts;
- `encoder`, `collator`, `head`, `outputs`: how `finetune` tokenizes (batched `datasets.map`,
  through the on-disk tokenize cache), pads, which `AutoModelFor…` it builds and what it keeps
  of the model's output per row;
- `truth` and `decode`: a split's truth per example, and outputs of its rows with their truth ->
  `Predictions` (class probabilities where there are classes), the form stored beside the
  record;
- `family` and `default_metrics`: which metrics apply (harness.metrics.families);
- `baseline`: the predictions of the row that learned nothing (majority class, train mean, most
  frequent choice), named by `baseline_label`, and `learned` how a row is tested against it.

Task types import datasets, numpy and the metric registry at module level (no torch); the model
head and the collator import transformers inside, at trial time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from harness.data.load import DataError
from harness.specs.dataset import DatasetSpec


@dataclass
class Predictions:
    """One split's truth and predictions per example, in row order. `y_true`/`y_pred`: class or
    choice ids (int), real values (float), or objects (strings, span lists) for span tasks;
    `probs`: (rows, classes) where the task has classes."""

    y_true: np.ndarray
    y_pred: np.ndarray
    probs: np.ndarray | None = None


@dataclass
class TaskInfo:
    """What a prepared dataset's task type derived from it (JSON-ready in `as_dict`)."""

    label_names: list[str] = field(default_factory=list)  # class names; choice numbers for MC
    positive_label_id: int | None = None  # binary classification only
    extra: dict[str, Any] = field(default_factory=dict)  # label_range, num_choices, train_mean…

    @property
    def num_labels(self) -> int:
        return len(self.label_names)


class TaskType:
    """Override what applies; the defaults are those of a sequence-level task."""

    name: ClassVar[str]  # the dataset's `task:` and TrialRecord.task_type
    family: ClassVar[str]  # metric family (harness.metrics.families)
    stratified: ClassVar[bool] = False  # carve missing splits stratified by LABEL
    baseline_label: ClassVar[str] = "majority"  # the learned-nothing row's method cell
    # How a row is shown to have learned something (harness.reports.learned): "baseline" —
    # significantly above the baseline row on the main metric (and MCC above 0 where measured);
    # "correlation" — its correlation with the truth above 0.
    learned_by: ClassVar[str] = "baseline"
    # The metrics an overview across datasets shows for it (JGLUE's table: Pearson/Spearman for
    # STS, EM/F1 for QA); empty: the dataset's main metric.
    overview_metrics: ClassVar[tuple[str, ...]] = ()
    head_class: ClassVar[str] = "AutoModelForSequenceClassification"
    # Its fine-tuned head exports as (batch, sequence) inputs -> one output tensor, so runtimes
    # (harness.runtimes: ONNX Runtime, OpenVINO, bf16) evaluate it again; False: torch only.
    exports: ClassVar[bool] = True
    # The Hugging Face task of a fine-tuned model's card (model-index task type and name,
    # pipeline tag) — the same for classification and regression heads.
    hub_task: ClassVar[tuple[str, str]] = ("text-classification", "Text Classification")
    description: ClassVar[str] = ""

    # -- which datasets ---------------------------------------------------------------------
    def declared_by(self, spec: DatasetSpec) -> bool:
        """The spec names this task type through fields only it has (choice columns…)."""
        return False

    def claims(self, spec: DatasetSpec, train) -> bool:
        """The raw train split looks like this task type (specs without `task:`)."""
        return False

    def spec_problems(self, spec: DatasetSpec) -> list[tuple[str, str]]:
        """(field, message) for fields set on the spec that this task type does not read."""
        return []

    # -- preparation --------------------------------------------------------------------------
    def info(self, spec: DatasetSpec, raw) -> TaskInfo:
        """Derived from the raw splits (label names in the user's order, …)."""
        return TaskInfo()

    def canonical(self, spec: DatasetSpec, split: str, ds, info: TaskInfo):
        """The split with canonical columns only; DataError(field=…) naming split and row."""
        raise NotImplementedError

    def finish(self, splits: dict, info: TaskInfo) -> TaskInfo:
        """Info that needs the final splits (train mean, …)."""
        return info

    def facts(self, ds, info: TaskInfo) -> dict:
        """Per split, JSON-ready: rows and what the report's notes need."""
        return {"rows": len(ds)}

    def check_facts(self, facts: dict, info: TaskInfo) -> None:
        """DataError(field=…) for prepared splits no trial can learn from (a classification test
        label without train rows)."""

    def summary(self, info: TaskInfo) -> str:
        """validate's description of the prepared data ('3 labels (a, b, c)')."""
        return self.name

    # -- fine-tuning ----------------------------------------------------------------------------
    def encoder(self, tokenizer_dir: str, max_length: int, tokenizer=None):
        """A picklable batch function for `datasets.map(batched=True)`: canonical columns in,
        model inputs + `length` (tokens per row, for length grouping) + LABEL out."""
        raise NotImplementedError

    def collator(self, tokenizer, pad_to_multiple_of: int | None):
        from transformers import DataCollatorWithPadding

        return DataCollatorWithPadding(tokenizer, pad_to_multiple_of=pad_to_multiple_of)

    def head(self, source: str, info: TaskInfo, trust_remote_code: bool = False):
        raise NotImplementedError

    def outputs(self, model_output) -> Any:
        """What is kept of a batch's model output (a float tensor, rows first)."""
        return model_output.logits

    def decode(self, outputs: np.ndarray, y_true: np.ndarray, info: TaskInfo) -> Predictions:
        """Outputs of rows (row order, or the Trainer's evaluation order with its label ids)
        and their truth -> Predictions."""
        raise NotImplementedError

    # -- `harness predict` ----------------------------------------------------------------------
    def input_row(self, parts: list[str]) -> dict:
        """One input given as texts ('a ||| b' split) -> a canonical row (no label); ValueError
        saying what the input must look like."""
        from harness.data.load import PAIR, TEXT

        if len(parts) not in (1, 2) or not all(p.strip() for p in parts):
            raise ValueError("an input is a text, or a text pair 'a ||| b'")
        return {TEXT: parts[0], **({PAIR: parts[1]} if len(parts) == 2 else {})}

    def answer(self, output: np.ndarray, row: dict, id2label: dict) -> dict:
        """What `harness predict` prints for one input from its model output row."""
        raise NotImplementedError

    # -- scores and baselines -----------------------------------------------------------------
    def default_metrics(self) -> list[str]:
        from harness.metrics.families import defaults

        return defaults(self.family)

    def truth(self, ds, info: TaskInfo) -> np.ndarray:
        """The split's truth per example, as Predictions.y_true holds it."""
        raise NotImplementedError

    def baseline(self, train, ds, info: TaskInfo) -> Predictions:
        """The learned-nothing predictions for `ds` from the train split alone."""
        raise NotImplementedError

    def baseline_note(self, facts: dict, label_names: list[str]) -> str:
        """What the baseline row means, for the report's notes, from a record's data facts and
        label names ('' when self-evident)."""
        return ""


def field_error(message: str, fld: str) -> DataError:
    return DataError(message, field=fld)
