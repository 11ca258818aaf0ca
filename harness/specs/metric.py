"""`metrics:` entries: a registry metric by name, or an `evaluate` module from a local dir."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from harness.metrics.families import all_names
from harness.specs.base import NAME, Strict
from harness.specs.field_error import FieldError


class MetricRef(Strict):
    """A registry metric by name, or an `evaluate` module from a local directory."""

    name: str = Field(pattern=NAME)
    evaluate: str | None = Field(None, description="Local path of an evaluate metric module.")
    key: str | None = Field(None, description="Key of the module's result dict (default: name).")
    kwargs: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known(self):
        if self.evaluate is None and self.name not in all_names():
            raise FieldError("name", f"unknown metric {self.name!r}; known: {', '.join(all_names())} "
                             "(or give evaluate: <local module dir>)")
        if self.evaluate is None and (self.key or self.kwargs):
            raise FieldError("key", "key and kwargs apply to evaluate modules only")
        return self
