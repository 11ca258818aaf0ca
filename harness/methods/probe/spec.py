"""The suite entry of `probe`: frozen encoder features + light classifiers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from harness.methods.probe.classifiers import ClassifierSpec, LogisticRegressionSpec
from harness.specs.base import Strict
from harness.specs.field_error import FieldError

POOLINGS = ("cls", "mean", "pooler")


def _listify(v):
    return [v] if isinstance(v, (str, dict)) else v


class ProbeMethod(Strict):
    """Frozen encoder features + a light classifier: one trial per pooling × classifier × seed."""

    type: Literal["probe"] = "probe"
    pooling: list[Literal["cls", "mean", "pooler"]] = Field(
        default_factory=lambda: ["mean"],
        description="cls = last_hidden_state[:, 0]; mean = mask-aware mean over tokens; "
                    "pooler = pooler_output (models with trained pooler weights only).")
    layer: int = Field(-1, description="hidden_states index: -1 = last layer, 0 = embedding output.")
    classifiers: list[ClassifierSpec] = Field(
        default_factory=lambda: [LogisticRegressionSpec()],
        description="logistic_regression, linear_svm, knn (name or {name: ..., settings}).")
    batch_size: int = Field(64, ge=1, description="Encoding batch size (not in the trial key).")

    @field_validator("pooling", mode="before")
    @classmethod
    def _pooling_list(cls, v):
        return _listify(v)

    @field_validator("classifiers", mode="before")
    @classmethod
    def _classifier_shorthand(cls, v):
        return [{"name": c} if isinstance(c, str) else c for c in _listify(v)] \
            if isinstance(v, (list, str, dict)) else v

    @model_validator(mode="after")
    def _consistent(self):
        if not self.pooling:
            raise FieldError("pooling", "needs at least one pooling")
        if len(set(self.pooling)) != len(self.pooling):
            raise FieldError("pooling", "repeats a pooling")
        if "pooler" in self.pooling and self.layer != -1:
            raise FieldError("layer", "pooling 'pooler' reads the last layer: layer must be -1")
        if not self.classifiers:
            raise FieldError("classifiers", "needs at least one classifier")
        labels = [c.label for c in self.classifiers]
        for i, label in enumerate(labels):
            if labels.index(label) != i:
                raise FieldError(f"classifiers.{i}", f"repeats classifier {label!r}")
        return self
