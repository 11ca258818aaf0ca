"""What every grid (a setting given as a list of values) shares: the list's check, and its
expansion into scalar configurations. Used by `training:` (harness.specs.training) and by a
method's own grid fields (the probe's C)."""

from __future__ import annotations

import itertools
from typing import Any, Callable

from pydantic import ConfigDict, TypeAdapter, ValidationError

from harness.specs.field_error import FieldError


def one_value(kind) -> Callable[[Any], Any]:
    """A check of one value of type `kind` (an Annotated pydantic type): the value as pydantic
    validates it, or ValueError with pydantic's message."""
    adapter = TypeAdapter(kind, config=ConfigDict(allow_inf_nan=False))  # as the specs' own

    def check(value: Any) -> Any:
        try:
            return adapter.validate_python(value)
        except ValidationError as e:
            raise ValueError(e.errors()[0]["msg"]) from None

    return check


def check_grid_value(value: Any, one: Callable[[Any], Any]) -> Any:
    """One value checked by `one`, or a non-empty list of distinct values each checked by `one`
    (ValueError if bad; an item's error names its index)."""
    if not isinstance(value, list):
        return one(value)
    if not value:
        raise ValueError("an empty list: give at least one value")
    out = []
    for i, item in enumerate(value):
        try:
            checked = one(item)
        except ValueError as e:
            raise FieldError(str(i), str(e)) from None
        if checked in out:
            raise FieldError(str(i), f"repeats {item!r}")
        out.append(checked)
    return out


def expand(grid: dict[str, list], base) -> list[tuple[dict, Any]]:
    """(grid values, `base` with them) for every combination of `grid`'s lists, the first
    field's values outermost; one ({}, base) for an empty grid."""
    if not grid:
        return [({}, base)]
    return [(values, base.model_copy(update=values))
            for values in (dict(zip(grid, combo)) for combo in itertools.product(*grid.values()))]
