"""regression: a text (or text pair) and a real-valued score (JSTS, JSICK relatedness, STS-B).

Canonical columns: TEXT, optional PAIR, LABEL (float32). Every score must be a finite number
(text, empty cells and NaN are data errors naming split and row) and, with `label_range`,
inside it. Missing splits are carved by a seeded shuffle. Head:
AutoModelForSequenceClassification with num_labels=1 and problem_type="regression" (MSE loss);
stored predictions: the scores. Metrics: Pearson, Spearman, MSE (the scores family); baseline:
the train split's mean predicted everywhere (its correlations are undefined, shown "—"; it is
the row a model must beat on MSE). A row "learned nothing" unless its correlation is shown to be
above 0 (harness.reports.learned).
"""

from __future__ import annotations

import math

import numpy as np

from harness.data.load import LABEL, DataError, column_values
from harness.specs.dataset import DatasetSpec
from harness.tasks.base import Predictions, TaskInfo, TaskType
from harness.tasks.columns import check_texts, take_columns, text_columns
from harness.tasks.encoders import TextEncoder


class Regression(TaskType):
    name = "regression"
    family = "scores"
    baseline_label = "train mean"
    learned_by = "correlation"
    hub_task = ("text-classification", "Text Regression (regression head, num_labels 1)")
    overview_metrics = ("pearson", "spearman")
    description = "a text or text pair and a real-valued score (STS)"

    def declared_by(self, spec: DatasetSpec) -> bool:
        return spec.label_range is not None

    def claims(self, spec: DatasetSpec, train) -> bool:
        """Numeric labels of which at least one is not an integer (1.4, 3.8: similarity scores)."""
        import datasets

        if spec.label_column not in train.column_names or spec.label_names:
            return False
        feature = train.features[spec.label_column]
        if not isinstance(feature, datasets.Value) or not feature.dtype.startswith("float"):
            return False
        return any(isinstance(v, float) and math.isfinite(v) and not v.is_integer()
                   for v in column_values(train, spec.label_column))

    def spec_problems(self, spec: DatasetSpec) -> list[tuple[str, str]]:
        out = [(f, f"applies to {t} datasets, not regression")
               for f, t in (("label_names", "classification"), ("positive_label", "classification"),
                            ("choice_columns", "multiple_choice"),
                            ("choices_column", "multiple_choice")) if getattr(spec, f) is not None]
        return out

    def info(self, spec: DatasetSpec, raw) -> TaskInfo:
        extra = {"label_range": list(spec.label_range)} if spec.label_range else {}
        return TaskInfo(extra=extra)

    def canonical(self, spec: DatasetSpec, split: str, ds, info: TaskInfo):
        import datasets

        ds = take_columns(ds, split, text_columns(spec) + [(spec.label_column, LABEL, "label_column")])
        scores = [score(spec, split, row, value) for row, value in enumerate(column_values(ds, LABEL))]
        check_texts(ds, split)
        ds = ds.remove_columns(LABEL).add_column(LABEL, scores)
        return ds.cast_column(LABEL, datasets.Value("float32"))

    def finish(self, splits: dict, info: TaskInfo) -> TaskInfo:
        train = np.asarray(column_values(splits["train"], LABEL), dtype=np.float64)
        info.extra["train_mean"] = float(train.mean())
        return info

    def facts(self, ds, info: TaskInfo) -> dict:
        y = np.asarray(column_values(ds, LABEL), dtype=np.float64)
        return {"rows": len(ds), "score_min": float(y.min()), "score_mean": round(float(y.mean()), 4),
                "score_max": float(y.max()), "score_std": round(float(y.std()), 4)}

    def summary(self, info: TaskInfo) -> str:
        rng = info.extra.get("label_range")
        return "regression: scores" + (f" in [{rng[0]:g}, {rng[1]:g}]" if rng else "") \
            + f", train mean {info.extra['train_mean']:.3f}"

    def encoder(self, tokenizer_dir: str, max_length: int, tokenizer=None, info=None):
        return TextEncoder(tokenizer_dir, max_length, tokenizer)

    def head(self, source: str, info: TaskInfo, trust_remote_code: bool = False):
        from transformers import AutoModelForSequenceClassification

        return AutoModelForSequenceClassification.from_pretrained(
            source, trust_remote_code=trust_remote_code, num_labels=1, problem_type="regression")

    def answer(self, output: np.ndarray, row: dict, id2label: dict) -> dict:
        return {"score": round(float(np.asarray(output).reshape(-1)[0]), 6)}

    def truth(self, ds, info: TaskInfo) -> np.ndarray:
        return np.asarray(column_values(ds, LABEL), dtype=np.float32)

    def decode(self, outputs: np.ndarray, y_true: np.ndarray, info: TaskInfo) -> Predictions:
        return Predictions(np.asarray(y_true, dtype=np.float32).reshape(-1),
                           np.asarray(outputs, np.float32).reshape(-1))

    def baseline(self, train, ds, info: TaskInfo) -> Predictions:
        y_true = self.truth(ds, info)
        return Predictions(y_true, np.full(len(y_true), info.extra["train_mean"], np.float32))

    def baseline_note(self, facts: dict, label_names: list[str]) -> str:
        mean = (facts.get("train") or {}).get("score_mean")
        return ("train mean" + (f" {mean:.4f}" if mean is not None else "") + " predicted for "
                "every row: its correlations are undefined (—); a model must beat it on MSE")


def score(spec: DatasetSpec, split: str, row: int, value) -> float:
    """One row's score as a finite float inside label_range (DataError naming the row)."""
    where = f"split {split} row {row + 1}"
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DataError(f"{where}: empty score", field="label_column", row=row)
    if isinstance(value, bool):
        raise DataError(f"{where}: score {value!r} is not a number", field="label_column", row=row)
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise DataError(f"{where}: score {str(value)[:40]!r} is not a number",
                        field="label_column", row=row) from None
    if not math.isfinite(number):
        raise DataError(f"{where}: score is {number} (NaN or infinite)", field="label_column", row=row)
    if spec.label_range is not None:
        low, high = spec.label_range
        if not low <= number <= high:
            raise DataError(f"{where}: score {number:g} is outside label_range [{low:g}, {high:g}]",
                            field="label_range", row=row)
    return number


TASK = Regression()
