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
class TaskTable:
    """A task type's own report table, format-free (harness.reports renders it like a method's
    table: a str cell as text, an int as a count, a float as a number, None as —); `detail`: a
    view of long texts for the HTML page and JSON only."""

    key: str
    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    detail: bool = False


@dataclass
class ReportRow:
    """A report row of one dataset as a task table sees it: its label, whether it is the
    baseline, its main metric's mean, and per ok seed the stored (truth, predictions)."""

    label: str
    baseline: bool
    main: float | None
    predictions: list[tuple[np.ndarray, np.ndarray]]


def best_trained_row(rows: list[ReportRow]) -> ReportRow | None:
    """The trained row with stored predictions and the highest main metric (the detail views of
    the span tasks, whose main metrics are higher-is-better); None when there is none."""
    return max((r for r in rows if not r.baseline and r.predictions and r.main is not None),
               key=lambda r: r.main, default=None)


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
    # Spec fields only this task type reads (registry.foreign_fields refuses them elsewhere).
    own_fields: ClassVar[tuple[str, ...]] = ()

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
    def load_raw(self, spec: DatasetSpec):
        """The dataset as stored, a DatasetDict keyed by harness split names (a task type whose
        files are not tables, like SQuAD JSON, reads them itself)."""
        from harness.data.load import load_raw

        return load_raw(spec)

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

    def model_problems(self, spec: DatasetSpec, max_length: int) -> list[tuple[str, str]]:
        """(dataset field, message) for settings a model's max_length cannot serve (validate
        checks every model × dataset before anything runs)."""
        return []

    def fit_view(self, ds):
        """The split as TEXT (and PAIR) columns, for the tokenizer-fit facts (tokens per row,
        [UNK] rate): the canonical split itself for sequence tasks."""
        return ds

    def span_facts(self, tokenizer, splits, max_length: int, info: TaskInfo) -> dict | None:
        """Per split, what this tokenizer can express of the gold spans (span tasks;
        harness.tasks.span_facts), with `warnings`; None for sequence tasks."""
        return None

    def check_facts(self, facts: dict, info: TaskInfo) -> None:
        """DataError(field=…) for prepared splits no trial can learn from (a classification test
        label without train rows)."""

    def summary(self, info: TaskInfo) -> str:
        """validate's description of the prepared data ('3 labels (a, b, c)')."""
        return self.name

    # -- fine-tuning ----------------------------------------------------------------------------
    def encoder(self, tokenizer_dir: str, max_length: int, tokenizer=None,
                info: TaskInfo | None = None):
        """A picklable batch function for `datasets.map(batched=True)`: canonical columns in,
        model inputs + `length` (tokens per row, for length grouping) + LABEL out. Span tasks
        emit *feature rows* (a question becomes one row per context window) and read their
        settings (doc_stride, entity types) from `info`."""
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

    def decode_split(self, outputs, features, examples, info: TaskInfo,
                     y_true: np.ndarray | None = None) -> Predictions:
        """Outputs of a tokenized split's rows (`features`, in row order) -> Predictions per
        example of the canonical split (`examples`). Where a row is an example (sequence
        tasks) that is `decode`; span tasks group feature rows (QA windows) and read their
        token-level outputs (ragged rows: padded to the longest, each row read to its own
        length) back to characters."""
        return self.decode(outputs, self.truth(examples, info) if y_true is None else y_true, info)

    def eval_logits(self, logits):
        """What the Trainer keeps per evaluation batch of the model's logits (its
        `preprocess_logits_for_metrics`): the first output for sequence tasks; span tasks may
        keep more (QA: start and end logits stacked)."""
        return logits[0] if isinstance(logits, tuple) else logits


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

    def input_columns(self, dataset: dict) -> tuple[str, str | None]:
        """The file columns `harness predict` reads (text, pair) by default, from the trial's
        dataset config."""
        return dataset.get("text_column") or "text", dataset.get("text_pair_column")

    def predict(self, model_dir, inputs: list[list[str]], dataset: dict, max_length: int,
                label_names: list[str], batch_size: int):
        """`harness predict` for task types whose inputs are not one model row each (QA
        windows, tagged tokens): (JSON rows, table headers, table rows) for the inputs (each
        its texts, 'a ||| b' split; `dataset` is the trial's dataset config); None: predict.py's
        row path (`input_row`, `answer`)."""
        return None

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

    def report_tables(self, dataset: str, rows: list[ReportRow]) -> list[TaskTable]:
        """Tables only this task type has (NER's per-type scores; the worst questions or
        sentences of the best row, for the HTML page), from stored predictions."""
        return []

    def baseline_note(self, facts: dict, label_names: list[str]) -> str:
        """What the baseline row means, for the report's notes, from a record's data facts and
        label names ('' when self-evident)."""
        return ""


def field_error(message: str, fld: str) -> DataError:
    return DataError(message, field=fld)
