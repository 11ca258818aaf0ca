"""`training:`: the Trainer settings every fine-tune trial shares (one trial per scheduler × seed)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from harness.specs.base import Strict
from harness.specs.field_error import FieldError
from harness.specs.schedulers import SCHEDULERS, scheduler_problems


class TrainingSpec(Strict):
    """Trainer settings shared by every fine-tune trial; one trial per lr_scheduler_type × seed."""

    epochs: float = Field(3.0, gt=0, description="num_train_epochs (ignored when max_steps is set).")
    max_steps: int | None = Field(None, ge=1)
    learning_rate: float = Field(5e-5, gt=0, lt=1)
    batch_size: int = Field(16, ge=1, description="per_device_train_batch_size")
    eval_batch_size: int = Field(64, ge=1, description="per_device_eval_batch_size")
    gradient_accumulation_steps: int = Field(1, ge=1)
    weight_decay: float = Field(0.0, ge=0)
    max_grad_norm: float = Field(1.0, ge=0)
    warmup_ratio: float = Field(0.0, ge=0, lt=1, description="Share of training steps for warmup.")
    warmup_steps: int | None = Field(None, ge=0, description="Warmup steps (instead of warmup_ratio).")
    eval_strategy: Literal["no", "epoch", "steps"] = Field(
        "no", description="Evaluate on the validation split during training.")
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
        return self
