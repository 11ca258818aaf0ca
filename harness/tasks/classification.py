"""classification: a text (or text pair) and one label out of `label_names`.

Canonical columns: TEXT, optional PAIR, LABEL (a ClassLabel whose names are the user's
label_names in the user's order). Missing splits are carved stratified. Head:
AutoModelForSequenceClassification with one logit per label; stored predictions: label ids and
class probabilities. Metrics: the label family (accuracy, F1s, MCC); baseline: the train split's
most frequent label (ties: lowest id).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from harness.data.coverage import check_coverage
from harness.data.load import LABEL, DataError, column_values, label_key
from harness.specs.dataset import DatasetSpec
from harness.tasks.base import Predictions, TaskInfo, TaskType
from harness.tasks.columns import check_texts, take_columns, text_columns
from harness.tasks.encoders import TextEncoder


class LabelTask(TaskType):
    """What every task whose predictions are ids (classes, choices) shares: truth and
    predictions as ids with softmax probabilities, label counts, the most frequent id as the
    baseline."""

    family = "labels"

    def facts(self, ds, info: TaskInfo) -> dict:
        return label_facts(ds, info)

    def truth(self, ds, info: TaskInfo) -> np.ndarray:
        return label_ids_of(ds)

    def decode(self, outputs: np.ndarray, y_true: np.ndarray, info: TaskInfo) -> Predictions:
        return label_predictions(outputs, y_true)

    def baseline(self, train, ds, info: TaskInfo) -> Predictions:
        return most_frequent(train, ds, info)


class Classification(LabelTask):
    name = "classification"
    stratified = True
    baseline_label = "majority"
    description = "a text or text pair and one label out of label_names"

    def spec_problems(self, spec: DatasetSpec) -> list[tuple[str, str]]:
        return [(f, f"applies to {t} datasets, not classification")
                for f, t in (("label_range", "regression"), ("choice_columns", "multiple_choice"),
                             ("choices_column", "multiple_choice")) if getattr(spec, f) is not None]

    def info(self, spec: DatasetSpec, raw) -> TaskInfo:
        names = label_names(spec, raw)
        return TaskInfo(names, positive_label_id(spec, names))

    def canonical(self, spec: DatasetSpec, split: str, ds, info: TaskInfo):
        import datasets

        ds = take_columns(ds, split, text_columns(spec) + [(spec.label_column, LABEL, "label_column")])
        names = info.label_names
        if not isinstance(ds.features[LABEL], datasets.ClassLabel):
            ds = ds.remove_columns(LABEL).add_column(LABEL, label_ids(spec, split, ds, names))
        check_texts(ds, split)
        return ds.cast_column(LABEL, datasets.ClassLabel(names=names))

    def check_facts(self, facts: dict, info: TaskInfo) -> None:
        check_coverage(facts, info.label_names, DataError)  # a test label with no train row

    def summary(self, info: TaskInfo) -> str:
        names = info.label_names
        return f"{len(names)} labels ({', '.join(names[:6])}{', ...' if len(names) > 6 else ''})"

    def encoder(self, tokenizer_dir: str, max_length: int, tokenizer=None, info=None):
        return TextEncoder(tokenizer_dir, max_length, tokenizer)

    def head(self, source: str, info: TaskInfo, trust_remote_code: bool = False):
        from transformers import AutoModelForSequenceClassification

        return AutoModelForSequenceClassification.from_pretrained(
            source, trust_remote_code=trust_remote_code, num_labels=info.num_labels,
            id2label=dict(enumerate(info.label_names)),
            label2id={name: i for i, name in enumerate(info.label_names)})

    def answer(self, output: np.ndarray, row: dict, id2label: dict) -> dict:
        p = softmax(output[None, :])[0]
        i = int(p.argmax())
        return {"label": id2label.get(i, str(i)), "label_id": i, "score": round(float(p[i]), 6),
                "scores": {id2label.get(j, str(j)): round(float(v), 6) for j, v in enumerate(p)}}


# What every task whose predictions are ids (classes, choices) shares ----------------------------
def label_ids_of(ds) -> np.ndarray:
    return np.asarray(column_values(ds, LABEL), dtype=np.int64)


def label_facts(ds, info: TaskInfo) -> dict:
    counts = Counter(column_values(ds, LABEL))
    return {"rows": len(ds),
            "label_counts": {name: counts.get(i, 0) for i, name in enumerate(info.label_names)}}


def label_predictions(outputs: np.ndarray, y_true: np.ndarray) -> Predictions:
    """Logits -> the argmax id and the softmax probabilities."""
    probs = softmax(outputs)
    return Predictions(np.asarray(y_true, dtype=np.int64), probs.argmax(-1), probs)


def most_frequent(train, ds, info: TaskInfo) -> Predictions:
    """The train split's most frequent id (ties: the lowest) predicted for every row of ds."""
    counts = Counter(column_values(train, LABEL))
    top = min(counts, key=lambda label: (-counts[label], label))
    y_true = label_ids_of(ds)
    probs = np.zeros((len(y_true), info.num_labels), dtype=np.float32)
    probs[:, top] = 1.0
    return Predictions(y_true, np.full_like(y_true, top), probs)


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


def positive_label_id(spec, label_names: list[str]) -> int | None:
    """The positive class of a binary task: `positive_label`, else the second name; None otherwise."""
    if len(label_names) != 2:
        return None
    return label_names.index(spec.positive_label) if spec.positive_label else 1


def label_names(spec: DatasetSpec, raw) -> list[str]:
    """The label names in the user's order: the data's ClassLabel, `label_names`, or the
    integer labels found (sorted); string labels need label_names."""
    import datasets

    train = raw["train"]
    if spec.label_column not in train.column_names:
        raise DataError(f"column {spec.label_column!r} not in train (columns: "
                        f"{', '.join(train.column_names)})", field="label_column")
    feature = train.features[spec.label_column]
    if isinstance(feature, datasets.ClassLabel):
        if spec.label_names and list(feature.names) != spec.label_names:
            raise DataError(f"the data's ClassLabel names {feature.names} differ from label_names",
                            field="label_names")
        return list(feature.names)
    if spec.label_names:
        return list(spec.label_names)
    values = {v for split in raw.values() if spec.label_column in split.column_names
              for v in column_values(split, spec.label_column) if label_key(v) is not None}
    if any(isinstance(v, float) and not float(v).is_integer() for v in values):
        raise DataError("label column holds non-integer numbers: a score per row is a regression "
                        "task (set task: regression, or label_range)", field="label_column")
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return [str(v) for v in sorted(int(v) for v in values)]
    sample = ", ".join(sorted(map(str, values))[:5])
    raise DataError(f"string labels need label_names in your order (found: {sample})",
                    field="label_names")


def label_ids(spec: DatasetSpec, split: str, ds, names: list[str]) -> list[int]:
    """Each row's label as an id: integers with label_names given are ids (0 = first name);
    strings are names."""
    as_ids = bool(spec.label_names) and str(getattr(ds.features[LABEL], "dtype", "")).startswith("int")
    index = {name: i for i, name in enumerate(names)}
    ids = []
    for row, value in enumerate(column_values(ds, LABEL)):
        key = label_key(value)
        if key is None:
            raise DataError(f"split {split} row {row + 1}: empty or NaN label", field="label_column",
                            row=row)
        if as_ids:
            if not 0 <= int(value) < len(names):
                raise DataError(f"split {split} row {row + 1}: label id {value} is outside "
                                f"0..{len(names) - 1} (label_names has {len(names)} names)",
                                field="label_names", row=row)
            ids.append(int(value))
            continue
        if key not in index:
            raise DataError(f"split {split} row {row + 1}: label {key!r} is not one of "
                            f"label_names {names}", field="label_names", row=row)
        ids.append(index[key])
    return ids


TASK = Classification()
