"""multiple_choice: a question, N choices, and the index of the right one (JCommonsenseQA, SWAG).

Choices come from N columns (`choice_columns`, or columns named choice0, choice1, … found in the
data) or one list column (`choices_column`); the question is `text_column`. Every row has the
same N (a row with another N, a missing or empty choice, or a label index outside 0..N-1 is a
data error naming split and row). Canonical columns: TEXT, CHOICES (N strings), LABEL (int).
Head: AutoModelForMultipleChoice, each (question, choice) pair encoded to max_length, the choices
as the second dimension. Metrics: the label family over choice indices (accuracy first); the
baseline: the most frequent right index in train (chance is 1/N, stated in the notes).
"""

from __future__ import annotations

import re

import numpy as np

from harness.data.load import CHOICES, LABEL, TEXT, DataError, column_values, label_key
from harness.specs.dataset import DatasetSpec
from harness.tasks.base import TaskInfo
from harness.tasks.classification import LabelTask
from harness.tasks.columns import check_texts, take_columns
from harness.tasks.encoders import ChoiceEncoder

_NUMBERED = re.compile(r"^(choice|option|ending|answer)_?(\d+)$", re.IGNORECASE)


class MultipleChoice(LabelTask):
    name = "multiple_choice"
    baseline_label = "most frequent choice"
    head_class = "AutoModelForMultipleChoice"
    hub_task = ("multiple-choice", "Multiple Choice")
    exports = False  # (batch, choices, sequence) inputs: runtimes evaluate sequence-level heads
    description = "a question, N choices and the index of the right one"

    def declared_by(self, spec: DatasetSpec) -> bool:
        return spec.choice_columns is not None or spec.choices_column is not None

    def claims(self, spec: DatasetSpec, train) -> bool:
        return len(numbered_columns(train.column_names)) >= 2

    def spec_problems(self, spec: DatasetSpec) -> list[tuple[str, str]]:
        return [(f, f"applies to {t} datasets, not multiple_choice")
                for f, t in (("label_names", "classification"), ("positive_label", "classification"),
                             ("text_pair_column", "pair classification"),
                             ("label_range", "regression")) if getattr(spec, f) is not None]

    def info(self, spec: DatasetSpec, raw) -> TaskInfo:
        train = raw["train"]
        if spec.choices_column:
            if spec.choices_column not in train.column_names:
                raise DataError(f"column {spec.choices_column!r} not in train (columns: "
                                f"{', '.join(train.column_names)})", field="choices_column")
            first = next((c for c in column_values(train, spec.choices_column) if c), None)
            n = len(first) if isinstance(first, list) else 0
        else:
            n = len(choice_columns(spec, train.column_names))
        if n < 2:
            raise DataError(f"needs at least 2 choices per row (found {n})",
                            field="choices_column" if spec.choices_column else "choice_columns")
        return TaskInfo([str(i) for i in range(n)], extra={"num_choices": n})

    def canonical(self, spec: DatasetSpec, split: str, ds, info: TaskInfo):
        import datasets

        n = info.extra["num_choices"]
        if spec.choices_column:
            ds = take_columns(ds, split, [(spec.text_column, TEXT, "text_column"),
                                          (spec.choices_column, CHOICES, "choices_column"),
                                          (spec.label_column, LABEL, "label_column")])
            fld, rows = "choices_column", column_values(ds, CHOICES)
        else:
            columns = choice_columns(spec, ds.column_names, split)
            ds = take_columns(ds, split, [(spec.text_column, TEXT, "text_column"),
                                          (spec.label_column, LABEL, "label_column")]
                              + [(c, c, "choice_columns") for c in columns])
            fld = "choice_columns"
            rows = [list(r) for r in zip(*(column_values(ds, c) for c in columns))]
            ds = ds.remove_columns(columns)
        for row, choices in enumerate(rows):
            check_choices(split, row, choices, n, fld)
        labels = [choice_index(split, row, value, n) for row, value in
                  enumerate(column_values(ds, LABEL))]
        check_texts(ds, split, ((TEXT, "text_column"),))
        if CHOICES in ds.column_names:
            ds = ds.remove_columns(CHOICES)
        ds = ds.remove_columns(LABEL).add_column(CHOICES, rows).add_column(LABEL, labels)
        return ds.cast_column(LABEL, datasets.Value("int64"))

    def summary(self, info: TaskInfo) -> str:
        n = info.extra["num_choices"]
        return f"multiple choice: {n} choices a question (chance {1 / n:.3f})"

    def encoder(self, tokenizer_dir: str, max_length: int, tokenizer=None, info=None):
        return ChoiceEncoder(tokenizer_dir, max_length, tokenizer)

    def collator(self, tokenizer, pad_to_multiple_of: int | None):
        return ChoiceCollator(tokenizer, pad_to_multiple_of)

    def head(self, source: str, info: TaskInfo, trust_remote_code: bool = False):
        from transformers import AutoModelForMultipleChoice

        return AutoModelForMultipleChoice.from_pretrained(source, trust_remote_code=trust_remote_code)

    def input_row(self, parts: list[str]) -> dict:
        if len(parts) < 3 or not all(p.strip() for p in parts):
            raise ValueError("an input is a question and at least two choices: "
                             "'question ||| choice 0 ||| choice 1 ...'")
        return {TEXT: parts[0], CHOICES: list(parts[1:])}

    def answer(self, output: np.ndarray, row: dict, id2label: dict) -> dict:
        from harness.tasks.classification import softmax

        p = softmax(np.asarray(output)[None, :])[0]
        i = int(p.argmax())
        return {"choice": i, "answer": row[CHOICES][i], "score": round(float(p[i]), 6),
                "scores": [round(float(v), 6) for v in p]}

    def baseline_note(self, facts: dict, label_names: list[str]) -> str:
        n = len(label_names)
        return (f"most frequent choice: the train split's most frequent right index everywhere; "
                f"chance is 1/{n} = {1 / n:.3f}" if n else "")


class ChoiceCollator:
    """Pads a batch of rows of N sequences each to (rows, N, longest) tensors."""

    def __init__(self, tokenizer, pad_to_multiple_of: int | None = None):
        self.tokenizer, self.multiple = tokenizer, pad_to_multiple_of

    def __call__(self, features: list[dict]):
        import torch

        labels = [f[LABEL] for f in features] if LABEL in features[0] else None
        keys = [k for k in features[0] if k not in (LABEL, "labels", "length")]
        n = len(features[0]["input_ids"])
        flat = [{k: f[k][i] for k in keys} for f in features for i in range(n)]
        batch = self.tokenizer.pad(flat, padding=True, pad_to_multiple_of=self.multiple,
                                   return_tensors="pt")
        batch = {k: v.view(len(features), n, -1) for k, v in batch.items()}
        if labels is not None:
            batch["labels"] = torch.tensor(labels, dtype=torch.int64)
        return batch


def numbered_columns(columns: list[str]) -> list[str]:
    """choice0, choice1, … (or option_1, ending0, …) in number order."""
    found = [(int(m.group(2)), c) for c in columns if (m := _NUMBERED.match(c))]
    return [c for _, c in sorted(found)]


def choice_columns(spec: DatasetSpec, columns: list[str], split: str = "train") -> list[str]:
    if spec.choice_columns:
        missing = [c for c in spec.choice_columns if c not in columns]
        if missing:
            raise DataError(f"column {missing[0]!r} not in split {split} (columns: "
                            f"{', '.join(columns)})", field="choice_columns")
        return list(spec.choice_columns)
    return numbered_columns(columns)


def check_choices(split: str, row: int, choices, n: int, fld: str) -> None:
    where = f"split {split} row {row + 1}"
    if not isinstance(choices, list):
        raise DataError(f"{where}: choices {str(choices)[:40]!r} is not a list", field=fld, row=row)
    if len(choices) != n:
        raise DataError(f"{where}: {len(choices)} choices where the train split has {n}", field=fld, row=row)
    for i, choice in enumerate(choices):
        if not isinstance(choice, str) or not choice.strip():
            raise DataError(f"{where}: choice {i} is missing or empty", field=fld, row=row)


def choice_index(split: str, row: int, value, n: int) -> int:
    key = label_key(value)
    where = f"split {split} row {row + 1}"
    if key is None:
        raise DataError(f"{where}: empty or NaN label", field="label_column", row=row)
    if not key.lstrip("-").isdigit() or not 0 <= int(key) < n:
        raise DataError(f"{where}: label {key!r} is not a choice index 0..{n - 1}",
                        field="label_column", row=row)
    return int(key)


TASK = MultipleChoice()
