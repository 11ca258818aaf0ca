"""`selection:` (how a configuration is chosen among a grid's or a search's) and `search:` (an
Optuna study that proposes configurations of the grid fields, harness.search)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from harness.specs.base import SEED_MAX, Strict
from harness.specs.field_error import FieldError
from harness.specs.training import GRID_FIELDS, check_value


class SelectionSpec(Strict):
    """Per dataset × model × method × scheduler, the configuration with the best mean score
    over seeds on `split` is reported (its test scores); test scores never choose."""

    metric: str | None = Field(None, description="Default: the suite's main_metric.")
    split: Literal["validation"] = Field(
        "validation", description="The split that chooses (only validation: test never does).")


class Distribution(Strict):
    """One searched field: `{low, high}` (with `log: true` for a log-uniform draw, `step` for a
    grid of steps) or `{choices: [...]}`."""

    low: float | None = None
    high: float | None = None
    log: bool = False
    step: float | None = Field(None, gt=0)
    choices: list[float] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _shape(self):
        if self.choices is not None:
            if self.low is not None or self.high is not None or self.log or self.step:
                raise FieldError("choices", "give choices, or low and high, not both")
            if len(set(self.choices)) != len(self.choices):
                raise FieldError("choices", "repeats a value")
            return self
        if self.low is None or self.high is None:
            raise ValueError("give low and high (or choices)")
        if self.low > self.high:
            raise FieldError("low", f"{self.low:g} is above high {self.high:g}")
        if self.log and self.low <= 0:
            raise FieldError("low", "log: true needs low > 0")
        if self.log and self.step:
            raise FieldError("step", "a log-uniform draw takes no step")
        return self

    def values(self) -> list[tuple[str, float]]:
        """(sub-field, value) of every bound or choice, to check against the field's range."""
        if self.choices is not None:
            return [(f"choices.{i}", v) for i, v in enumerate(self.choices)]
        return [("low", self.low), ("high", self.high)]


class SearchSpec(Strict):
    """Optuna proposes `n_trials` configurations per dataset × model × scheduler; each runs as
    ordinary trials (one per seed, keyed and stored), scored by the mean validation score."""

    sampler: Literal["tpe", "random"] = "tpe"
    n_trials: int = Field(ge=1, description="Configurations per dataset × model × scheduler.")
    seed: int = Field(0, ge=0, le=SEED_MAX, description="The sampler's seed.")
    space: dict[str, Distribution] = Field(
        min_length=1, description=f"Searched fields, any of {', '.join(GRID_FIELDS)}.")
    storage: str | None = Field(
        None, description="Optuna RDB storage URL (postgresql://..., mysql://...); default a "
                          "SQLite file <results dir>/search.db.")
    pruner: Literal["median", "none"] = Field(
        "median", description="With training.eval_strategy epoch or steps: stop a trial whose "
                              "validation score is below the median of earlier trials at the "
                              "same epoch (recorded as status pruned).")
    startup_trials: int = Field(2, ge=0, description="Configurations run before any is pruned.")

    @model_validator(mode="after")
    def _space(self):
        for name, dist in self.space.items():
            if name not in GRID_FIELDS:
                raise FieldError(f"space.{name}",
                                 f"not a searchable field (one of {', '.join(GRID_FIELDS)})")
            for where, value in dist.values():
                try:
                    check_value(name, value)
                except ValueError as e:
                    raise FieldError(f"space.{name}.{where}", str(e)) from None
            if name == "batch_size" and dist.step is not None and dist.step != int(dist.step):
                raise FieldError(f"space.{name}.step", "batch_size takes an integer step")
        return self
