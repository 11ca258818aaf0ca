"""What every spec shares: frozen, no unknown keys, no inf/nan; the plain-name pattern."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"  # names that also name files in the results dir
SEED_MAX = 2**32 - 1  # numpy's (and so transformers.set_seed's) limit


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
