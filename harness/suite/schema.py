"""The suite schema: `Suite` joins the typed pieces (harness.specs) with each method's own spec
(discriminated on `type`); the single source of truth, with extra="forbid" everywhere.

`harness schema` exports it as JSON Schema; docs/reference/suite.md (generated from it) lists it
field by field. Checks that need only the suite itself live in the validators; checks that need
the data or a model dir live in `harness.suite.checks`.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, ValidationError, field_validator, model_validator

from harness.methods.registry import METHODS, listed
from harness.specs.base import NAME, SEED_MAX, Strict
from harness.specs.dataset import DatasetSpec
from harness.specs.field_error import FieldError
from harness.specs.metric import MetricRef
from harness.specs.model import ModelSpec, Resources
from harness.specs.reference import ReferenceSpec
from harness.specs.runtime import REFERENCE, RUNTIME_NAMES, check_runtimes
from harness.specs.search import SearchSpec, SelectionSpec
from harness.specs.tracking import TRACKER_TAGS, TrackerSpec, shorthand
from harness.specs.training import TrainingSpec
from harness.suite.gate import GateSpec

SUITE_SCHEMA_VERSION = 1


# Each method's suite entry, discriminated on `type` (harness.methods.registry, in its order).
MethodSpec = Annotated[Union[tuple(m.spec for m in listed())], Field(discriminator="type")]
# Tags of discriminated unions, which pydantic puts into an error's loc: error paths drop them.
UNION_TAGS = frozenset(m.name for m in listed()).union(*(m.union_tags for m in listed()),
                                                       TRACKER_TAGS)


def _default_methods() -> list:
    return [m.spec() for m in listed() if m.default]


class Suite(Strict):
    """A declarative evaluation suite: every model × dataset × method × scheduler × seed is a trial."""

    schema_version: Literal[1] = Field(1, description="Suite schema version.")
    name: str = Field(pattern=NAME, description="Also the default results dir: results/<name>/.")
    description: str = ""
    models: list[ModelSpec] = Field(min_length=1)
    datasets: list[DatasetSpec] = Field(
        default_factory=list, description="At least one, unless every method is mteb.")
    methods: list[MethodSpec] = Field(default_factory=_default_methods, min_length=1)
    training: TrainingSpec = Field(default_factory=TrainingSpec)
    metrics: list[MetricRef] = Field(
        default_factory=lambda: [MetricRef(name=n) for n in ("accuracy", "f1_macro", "mcc")],
        min_length=1)
    main_metric: str | None = Field(None, description="Sorts the leaderboard; default: first metric.")
    seeds: list[Annotated[int, Field(ge=0, le=SEED_MAX)]] = Field(default_factory=lambda: [42],
                                                                  min_length=1)
    gate: GateSpec | None = Field(None, description="Nightly regression gate (harness compare "
                                                    "--fail-on regression, harness gate).")
    resources: Resources = Field(default_factory=Resources,
                                 description="Per trial, for --executor ray (docs/scaling.md).")
    selection: SelectionSpec | None = Field(
        None, description="How a configuration is chosen where a grid or search gives several: "
                          "the best mean validation score over seeds (default metric: main_metric).")
    search: SearchSpec | None = Field(
        None, description="An Optuna search over training fields (pip install 'harness[search]'); "
                          "docs/how-to/search-and-selection.md.")
    references: list[ReferenceSpec] = Field(
        default_factory=list, description="Published figures shown beside the suite's rows "
                                          "(italic, cited, never ranked); an item may be the path "
                                          "of a YAML file holding a list of them.")
    tracking: list[TrackerSpec] = Field(
        default_factory=list, description="Experiment trackers every trial reports to "
                                          "(tensorboard, mlflow, wandb); never part of a trial key.")
    runtimes: list[Literal[RUNTIME_NAMES]] = Field(
        default_factory=lambda: [REFERENCE],
        description="Where every trained or frozen model is evaluated: torch (the reference), "
                    "torch-bf16, onnx, onnx-int8, openvino, openvino-bf16 (pip install "
                    "'harness[runtimes]'); a model's `runtimes` replaces it. Each runtime other "
                    "than torch is a trial of its own reading the exported model "
                    "(docs/runtimes.md).")

    @field_validator("runtimes", mode="before")
    @classmethod
    def _runtime_list(cls, v):
        return check_runtimes(v)

    def runtimes_for(self, model: ModelSpec) -> list[str]:
        """The model's runtimes (its own list, else the suite's)."""
        return list(model.runtimes or self.runtimes)

    @field_validator("tracking", mode="before")
    @classmethod
    def _tracker_shorthand(cls, v):
        return shorthand(v)

    @field_validator("methods", mode="before")
    @classmethod
    def _method_shorthand(cls, v):
        return [{"type": m} if isinstance(m, str) else m for m in v] if isinstance(v, list) else v

    @field_validator("metrics", mode="before")
    @classmethod
    def _metric_shorthand(cls, v):
        return [{"name": m} if isinstance(m, str) else m for m in v] if isinstance(v, list) else v

    @model_validator(mode="after")
    def _cross(self):
        for kind, names in (("models", [m.display_name for m in self.models]),
                            ("datasets", [d.name for d in self.datasets]),
                            ("metrics", [m.name for m in self.metrics]),
                            ("methods", [m.type for m in self.methods])):
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise FieldError(kind, f"duplicate name {', '.join(dupes)} (set a distinct name)")
        trackers = [t.type for t in self.tracking]
        for i, name in enumerate(trackers):
            if trackers.index(name) != i:
                raise FieldError(f"tracking.{i}", f"{name} is listed twice (one entry per tracker)")
        models = [m.display_name for m in self.models]
        for i, ref in enumerate(self.references):
            if ref.model is not None and ref.model not in models:
                raise FieldError(f"references.{i}.model", f"{ref.model!r} is not a model of this "
                                                          f"suite ({', '.join(models)})")
        if len(set(self.seeds)) != len(self.seeds):
            raise FieldError("seeds", "duplicate seed")
        if not self.datasets and any(METHODS[m.type].needs_datasets for m in self.methods):
            without = ", ".join(m.name for m in listed() if not m.needs_datasets)
            raise FieldError("datasets", "needs at least one dataset (only a suite whose methods "
                                         f"are all {without} may leave it out)")
        metric_names = [m.name for m in self.metrics]
        if self.main_metric is not None and self.main_metric not in metric_names:
            raise FieldError("main_metric", f"{self.main_metric!r} is not one of metrics")
        best = self.training.metric_for_best_model
        if best is not None and best not in metric_names:
            raise FieldError("training.metric_for_best_model", f"{best!r} is not one of metrics")
        for where, name in (self.gate.unknown_metrics(metric_names) if self.gate else []):
            raise FieldError(where, f"unknown metric {name!r} (not one of metrics "
                                    f"{', '.join(metric_names)}, nor a timing ratio metric)")
        self._check_grids(metric_names)
        return self

    def grids(self) -> list[str]:
        """Dotted paths of every field given as a list of values to select among."""
        grids: list[str] = [f"training.{f}" for f in self.training.grid()]
        for i, model in enumerate(self.models):
            given = model.training.given() if model.training else {}
            merged = self.training.for_model(model.training)
            grids += [f"models.{i}.training.{f}" for f in merged.grid() if f in given]
        for j, spec in enumerate(self.methods):
            grids += [f"methods.{j}.{f}" for f in METHODS[spec.type].grid_fields(spec)]
        return grids

    def _check_grids(self, metric_names: list[str]) -> None:
        """Model training overrides, search vs grid, and a validation split wherever a
        configuration is to be selected."""
        for i, model in enumerate(self.models):
            try:
                self.training.for_model(model.training)
            except ValidationError as e:
                err = e.errors()[0]
                cause = (err.get("ctx") or {}).get("error")
                field = cause.field if isinstance(cause, FieldError) else \
                    ".".join(str(p) for p in err["loc"])
                raise FieldError(f"models.{i}.training" + (f".{field}" if field else ""),
                                 str(cause) if cause is not None else err["msg"]) from None
        grids = self.grids()
        dataset_metrics = {m.name for d in self.datasets for m in d.metrics or []}
        if self.selection and self.selection.metric and self.selection.metric not in metric_names \
                and self.selection.metric not in dataset_metrics:
            raise FieldError("selection.metric", f"{self.selection.metric!r} is not one of metrics "
                                                 "(nor of a dataset's metrics)")
        if self.search is not None:
            searched = sorted(set(self.search.space))
            for where in grids:
                if where.rsplit(".", 1)[-1] in searched:
                    raise FieldError(f"search.space.{where.rsplit('.', 1)[-1]}",
                                     f"is also a grid ({where} is a list): search it or list it")
            if not any(METHODS[m.type].trains for m in self.methods):
                raise FieldError("search", "searches training fields, but no method trains "
                                           "(add finetune to methods)")
        asks = "selection" if self.selection is not None else "search" if self.search is not None \
            else grids[0] if grids else None
        if asks is None:
            return
        for dataset in self.datasets:
            if dataset.files is not None and "validation" not in dataset.files \
                    and dataset.validation_size == 0:
                raise FieldError(asks, f"selects on the validation split, but dataset "
                                       f"{dataset.name!r} has none (give files.validation or "
                                       "validation_size > 0)")

    @property
    def main(self) -> str:
        return self.main_metric or self.metrics[0].name
