"""Number flags checked in one place: finite, inside their range, one line each (argparse's
`type=float` takes `inf` and `nan`; `--scale inf` printed inf in every cell)."""

from __future__ import annotations

import math

from harness.errors import HarnessError


def finite(value: float, flag: str, *, above: float | None = None,
           at_least: float | None = None) -> float:
    """`value` when it is a finite number above `above` (or at least `at_least`)."""
    bound = f" > {above:g}" if above is not None else f" >= {at_least:g}" if at_least is not None \
        else ""
    if not math.isfinite(value) or (above is not None and not value > above) \
            or (at_least is not None and not value >= at_least):
        raise HarnessError(f"must be a finite number{bound}, got {value:g}", field=flag)
    return value


def whole(value: int, flag: str, at_least: int) -> int:
    """`value` when it is at least `at_least`."""
    if value < at_least:
        raise HarnessError(f"must be >= {at_least}, got {value}", field=flag)
    return value
