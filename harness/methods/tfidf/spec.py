"""The suite entry of `tfidf`: feature sets (one trial each per seed) and the classifier."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from harness.specs.base import Strict
from harness.specs.field_error import FieldError


class TfidfFeatures(Strict):
    """One TF-IDF feature set (scikit-learn TfidfVectorizer)."""

    analyzer: Literal["word", "char", "char_wb", "mecab"] = Field(
        "word", description="word: scikit-learn's word tokens (2+ word characters); char, "
                            "char_wb: character n-grams (any script: Japanese needs no tokenizer); "
                            "mecab: MeCab words through fugashi (pip install 'harness[ja]').")
    ngram_range: tuple[int, int] = Field((1, 2), description="Smallest and largest n of the n-grams.")
    min_df: int = Field(1, ge=1, description="Leave out terms found in fewer training rows.")
    max_features: int | None = Field(None, ge=1, description="Keep only the most frequent terms.")
    sublinear_tf: bool = Field(True, description="1 + log(tf) instead of raw term counts.")
    lowercase: bool = True

    @model_validator(mode="after")
    def _range(self):
        low, high = self.ngram_range
        if not 1 <= low <= high:
            raise FieldError("ngram_range", f"needs 1 <= smallest <= largest, got {list(self.ngram_range)}")
        return self

    @property
    def label(self) -> str:
        """`char 1-3`: the analyzer and n-gram range, plus each other setting off its default."""
        changed = [f"{k}={v}" for k, v in self.model_dump().items()
                   if k not in ("analyzer", "ngram_range") and v != type(self).model_fields[k].default]
        return " ".join([f"{self.analyzer} {self.ngram_range[0]}-{self.ngram_range[1]}", *changed])


class TfidfMethod(Strict):
    """TF-IDF features + logistic regression: a classic baseline without a model, one trial per
    dataset × feature set × seed."""

    type: Literal["tfidf"] = "tfidf"
    features: list[TfidfFeatures] = Field(
        default_factory=lambda: [TfidfFeatures()],
        description="Feature sets, one trial each (an analyzer name is short for {analyzer: name}).")
    C: float = Field(1.0, gt=0, description="LogisticRegression's inverse regularisation strength.")
    max_iter: int = Field(1000, ge=1)
    class_weight: Literal["balanced"] | None = None

    @field_validator("features", mode="before")
    @classmethod
    def _shorthand(cls, v):
        items = [v] if isinstance(v, (str, dict)) else v
        return [{"analyzer": f} if isinstance(f, str) else f for f in items] \
            if isinstance(items, list) else v

    @model_validator(mode="after")
    def _distinct(self):
        if not self.features:
            raise FieldError("features", "needs at least one feature set")
        labels = [f.label for f in self.features]
        for i, label in enumerate(labels):
            if labels.index(label) != i:
                raise FieldError(f"features.{i}", f"repeats feature set {label!r}")
        return self
