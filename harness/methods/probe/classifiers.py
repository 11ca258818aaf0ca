"""Classifier registry for `probe` trials: suite spec (typed, extra="forbid") -> scikit-learn estimator.

Adding one is a spec class with a `build(seed)` method and one line in CLASSIFIERS (and in the
ClassifierSpec union). On a regression dataset each entry fits its regression twin
(`build_regressor`: ridge for logistic regression, LinearSVR for the linear SVM, a k-NN
regressor): the notebooks' flow of frozen features + a light model, for scores.
scikit-learn is imported inside `build`, so suites validate without it.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator

from harness.specs.grid import check_grid_value, expand, one_value

PositiveC = Annotated[float, Field(gt=0)]
_ONE_C = one_value(PositiveC)
GridC = PositiveC | Annotated[list[PositiveC], Field(min_length=1)]


def _check_c(v):
    """C: one value, or a list of distinct values (a grid selected on validation)."""
    return check_grid_value(v, _ONE_C)


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @property
    def label(self) -> str:
        """The name plus every setting that differs from its default, e.g. `logistic_regression C=0.1`."""
        return self.label_without(())

    def label_without(self, fields) -> str:
        """The label leaving out `fields` (a grid's, shown as the configuration instead)."""
        changed = [f"{k}={v}" for k, v in self.model_dump().items()
                   if k != "name" and k not in fields and v != type(self).model_fields[k].default]
        return " ".join([self.name, *changed])

    def grid(self) -> dict[str, list]:
        """Settings given as lists of more than one value (C), in field order."""
        return {k: v for k, v in self.model_dump().items() if isinstance(v, list) and len(v) > 1}

    def configurations(self) -> list[tuple[dict, "_Spec"]]:
        """(grid values, scalar spec) per combination of the list-valued settings; one ({}, self)
        when none is a list (a list of one value is that value)."""
        single = {k: v[0] for k, v in self.model_dump().items() if isinstance(v, list) and len(v) == 1}
        return expand(self.grid(), self.model_copy(update=single) if single else self)


class LogisticRegressionSpec(_Spec):
    """scikit-learn LogisticRegression on standardised features."""

    name: Literal["logistic_regression"] = "logistic_regression"
    C: GridC = Field(1.0, description="Inverse regularisation strength; a list: a grid, "
                                      "selected on validation.")
    max_iter: int = Field(1000, ge=1)
    class_weight: Literal["balanced"] | None = None
    standardize: bool = Field(True, description="StandardScaler before the classifier.")

    _c = field_validator("C", mode="before")(lambda cls, v: _check_c(v))

    def build(self, seed: int):
        from sklearn.linear_model import LogisticRegression

        return _scaled(self.standardize, LogisticRegression(
            C=self.C, max_iter=self.max_iter, class_weight=self.class_weight, random_state=seed))

    def build_regressor(self, seed: int):
        """Ridge regression with the same regularisation: alpha = 1 / (2 C) (scikit-learn's
        correspondence between Ridge's alpha and the linear models' C)."""
        from sklearn.linear_model import Ridge

        return _scaled(self.standardize, Ridge(alpha=1 / (2 * self.C), random_state=seed))

    def regressor_label(self) -> str:
        return f"ridge alpha={1 / (2 * self.C):g}"


class LinearSVMSpec(_Spec):
    """scikit-learn LinearSVC on standardised features (no class probabilities)."""

    name: Literal["linear_svm"] = "linear_svm"
    C: GridC = Field(1.0, description="A list: a grid, selected on validation.")
    max_iter: int = Field(1000, ge=1)
    class_weight: Literal["balanced"] | None = None
    standardize: bool = True

    _c = field_validator("C", mode="before")(lambda cls, v: _check_c(v))

    def build(self, seed: int):
        from sklearn.svm import LinearSVC

        return _scaled(self.standardize, LinearSVC(
            C=self.C, max_iter=self.max_iter, class_weight=self.class_weight, random_state=seed))

    def build_regressor(self, seed: int):
        from sklearn.svm import LinearSVR

        return _scaled(self.standardize, LinearSVR(C=self.C, max_iter=self.max_iter,
                                                   random_state=seed))

    def regressor_label(self) -> str:
        return f"linear_svr C={self.C:g}"


class KNNSpec(_Spec):
    """scikit-learn KNeighborsClassifier (deterministic: every seed gives the same scores)."""

    name: Literal["knn"] = "knn"
    n_neighbors: int = Field(5, ge=1)
    metric: Literal["cosine", "euclidean"] = "cosine"
    weights: Literal["uniform", "distance"] = "uniform"

    def build(self, seed: int):
        from sklearn.neighbors import KNeighborsClassifier

        return KNeighborsClassifier(n_neighbors=self.n_neighbors, metric=self.metric,
                                    weights=self.weights)

    def build_regressor(self, seed: int):
        from sklearn.neighbors import KNeighborsRegressor

        return KNeighborsRegressor(n_neighbors=self.n_neighbors, metric=self.metric,
                                   weights=self.weights)

    def regressor_label(self) -> str:
        return f"knn_regressor n_neighbors={self.n_neighbors}"


def _scaled(standardize: bool, estimator):
    if not standardize:
        return estimator
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), estimator)


CLASSIFIERS: dict[str, type[_Spec]] = {
    "logistic_regression": LogisticRegressionSpec,
    "linear_svm": LinearSVMSpec,
    "knn": KNNSpec,
}
ClassifierSpec = Annotated[Union[LogisticRegressionSpec, LinearSVMSpec, KNNSpec],
                           Field(discriminator="name")]


def build_classifier(material: dict, seed: int, regression: bool = False):
    """The estimator for a trial's classifier material (a dumped spec); its regression twin on
    a regression dataset."""
    spec = CLASSIFIERS[material["name"]].model_validate(material)
    return spec.build_regressor(seed) if regression else spec.build(seed)


def regressor_label(material: dict) -> str:
    """How a regression trial names the estimator its classifier entry fitted."""
    return CLASSIFIERS[material["name"]].model_validate(material).regressor_label()
