"""`training:`: the Trainer settings every fine-tune trial shares (one trial per configuration ×
scheduler × seed).

Five fields may be lists, a grid (GRID_FIELDS): each combination of their values is one
configuration, expanded by `configurations()` into scalar TrainingSpecs before any key is built,
so a suite that gives one value keeps exactly the keys it had. `models[].training` (ModelTraining)
replaces the suite's values of these fields for one model (`for_model`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from harness.specs import grid as grids
from harness.specs.base import Strict
from harness.specs.field_error import FieldError
from harness.specs.schedulers import SCHEDULERS, scheduler_problems

Epochs = Annotated[float, Field(gt=0)]
LearningRate = Annotated[float, Field(gt=0, lt=1)]
BatchSize = Annotated[int, Field(ge=1)]
WarmupRatio = Annotated[float, Field(ge=0, lt=1)]
WeightDecay = Annotated[float, Field(ge=0)]

# The fields a grid (a list of values) or a search (harness.specs.search) may vary, with the type
# of one value.
GRID_FIELDS: dict[str, Any] = {"learning_rate": LearningRate, "epochs": Epochs,
                               "batch_size": BatchSize, "warmup_ratio": WarmupRatio,
                               "weight_decay": WeightDecay}
_LISTS = ", ".join(GRID_FIELDS)
_ONE_VALUE = {name: grids.one_value(kind) for name, kind in GRID_FIELDS.items()}


def _values(kind):
    return Annotated[list[kind], Field(min_length=1)]


def check_value(name: str, value: Any) -> Any:
    """One value of a grid field, validated as the field validates it (ValueError if bad)."""
    return _ONE_VALUE[name](value)


def check_grid_value(name: str, value: Any) -> Any:
    """A grid field's value: one value, or a non-empty list of distinct values (each checked)."""
    return grids.check_grid_value(value, lambda item: check_value(name, item))


class ModelTraining(Strict):
    """`models[].training`: this model's own values (or lists of values) of the grid fields."""

    learning_rate: LearningRate | _values(LearningRate) | None = None
    epochs: Epochs | _values(Epochs) | None = None
    batch_size: BatchSize | _values(BatchSize) | None = None
    warmup_ratio: WarmupRatio | _values(WarmupRatio) | None = None
    weight_decay: WeightDecay | _values(WeightDecay) | None = None

    @field_validator(*GRID_FIELDS, mode="before")
    @classmethod
    def _grid(cls, v, info):
        return v if v is None else check_grid_value(info.field_name, v)

    def given(self) -> dict:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class TrainingSpec(Strict):
    """Trainer settings shared by every fine-tune trial; one trial per configuration (the grid
    fields' combinations) × lr_scheduler_type × seed."""

    epochs: Epochs | _values(Epochs) = Field(
        3.0, description="num_train_epochs (ignored when max_steps is set). A list: a grid.")
    max_steps: int | None = Field(None, ge=1)
    learning_rate: LearningRate | _values(LearningRate) = Field(
        5e-5, description="A list, e.g. [1.0e-5, 5.0e-5, 2.0e-4]: one configuration each, "
                          "selected on validation (suite `selection:`).")
    batch_size: BatchSize | _values(BatchSize) = Field(
        16, description="per_device_train_batch_size. A list: a grid.")
    eval_batch_size: int = Field(64, ge=1, description="per_device_eval_batch_size")
    gradient_accumulation_steps: int = Field(1, ge=1)
    weight_decay: WeightDecay | _values(WeightDecay) = Field(0.0, description="A list: a grid.")
    max_grad_norm: float = Field(1.0, ge=0)
    warmup_ratio: WarmupRatio | _values(WarmupRatio) = Field(
        0.0, description="Share of training steps for warmup. A list: a grid.")
    warmup_steps: int | None = Field(None, ge=0, description="Warmup steps (instead of warmup_ratio).")
    eval_strategy: Literal["no", "epoch", "steps"] = Field(
        "no", description="Evaluate on the validation split during training (the final model "
                          "is scored on validation once after training either way).")
    eval_steps: int | None = Field(None, ge=1, description="With eval_strategy: steps.")
    load_best_model_at_end: bool = False
    metric_for_best_model: str | None = Field(None, description="Default: the suite's main_metric.")
    early_stopping_patience: int | None = Field(None, ge=1)
    lr_scheduler_type: list[str] = Field(
        default_factory=lambda: ["linear"],
        description=f"Schedulers to compare, one trial each: {', '.join(SCHEDULERS)}.")
    lr_scheduler_kwargs: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Per scheduler name, e.g. {cosine_with_min_lr: {min_lr_rate: 0.1}}.")
    logging_steps: int = Field(10, ge=1)
    save_model: bool = Field(False, description="Keep each trial's fine-tuned model and tokenizer.")
    torch_compile: bool = Field(
        False, description="torch.compile the model for training; batches are padded to multiples "
                           "of 16 so it compiles a few shapes, not one per sequence length.")

    @model_validator(mode="before")
    @classmethod
    def _one_value_fields(cls, data):
        """A list where one value is required: say which fields take lists."""
        if isinstance(data, dict):
            for name, value in data.items():
                if isinstance(value, list) and name in cls.model_fields \
                        and name not in GRID_FIELDS and name != "lr_scheduler_type":
                    raise FieldError(name, f"takes one value, not a list (lists: {_LISTS}; "
                                           "lr_scheduler_type)")
        return data

    @field_validator(*GRID_FIELDS, mode="before")
    @classmethod
    def _grid(cls, v, info):
        return check_grid_value(info.field_name, v)

    @field_validator("lr_scheduler_type", mode="before")
    @classmethod
    def _listify(cls, v):
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _consistent(self):
        if not self.lr_scheduler_type:
            raise FieldError("lr_scheduler_type", "needs at least one scheduler")
        dupes = sorted({s for s in self.lr_scheduler_type if self.lr_scheduler_type.count(s) > 1})
        if dupes:
            raise FieldError("lr_scheduler_type", f"repeats {', '.join(dupes)}")
        for name in self.lr_scheduler_type:
            problems = scheduler_problems(name, self.lr_scheduler_kwargs.get(name, {}), self.eval_strategy)
            if problems:
                at = (f"lr_scheduler_kwargs.{name}" if name in self.lr_scheduler_kwargs
                      else f"lr_scheduler_type.{self.lr_scheduler_type.index(name)}")
                raise FieldError(at, problems[0])
        stray = sorted(set(self.lr_scheduler_kwargs) - set(self.lr_scheduler_type))
        if stray:
            raise FieldError(f"lr_scheduler_kwargs.{stray[0]}", "is not in lr_scheduler_type")
        if self.eval_strategy == "steps" and self.eval_steps is None:
            raise FieldError("eval_steps", "eval_strategy 'steps' needs eval_steps")
        if self.load_best_model_at_end and self.eval_strategy == "no":
            raise FieldError("load_best_model_at_end", "needs eval_strategy 'epoch' or 'steps'")
        if self.early_stopping_patience and not self.load_best_model_at_end:
            raise FieldError("early_stopping_patience", "needs load_best_model_at_end: true")
        if self.warmup_steps is not None and self.warmup_ratio:
            raise FieldError("warmup_steps", "give warmup_ratio or warmup_steps, not both")
        if self.max_steps is not None and isinstance(self.epochs, list):
            raise FieldError("epochs", "a list of epochs has no effect with max_steps set")
        return self

    def grid(self) -> dict[str, list]:
        """The grid fields given as lists of more than one value, in suite order (a list of one
        value is that value: the same keys and trial ids as the scalar)."""
        return {name: getattr(self, name) for name in GRID_FIELDS
                if isinstance(getattr(self, name), list) and len(getattr(self, name)) > 1}

    def scalar(self) -> "TrainingSpec":
        """These settings with every one-value list replaced by its value."""
        single = {name: getattr(self, name)[0] for name in GRID_FIELDS
                  if isinstance(getattr(self, name), list) and len(getattr(self, name)) == 1}
        return self.model_copy(update=single) if single else self

    def for_model(self, override: ModelTraining | None) -> "TrainingSpec":
        """These settings with a model's own values of the grid fields (validated again)."""
        if override is None or not override.given():
            return self
        return TrainingSpec.model_validate({**self.model_dump(), **override.given()})

    def configurations(self) -> list[tuple[dict, "TrainingSpec"]]:
        """(the grid values of one configuration, the scalar settings with them) for every
        combination, in suite order: the first field's values outermost. One ({}, self) when no
        field is a list."""
        return grids.expand(self.grid(), self.scalar())

    def with_values(self, values: dict) -> "TrainingSpec":
        """One configuration given by value (a search's point): checked like the suite's."""
        for name, value in values.items():
            check_value(name, value)
        return self.scalar().model_copy(update=values)
