"""`references:` published figures shown beside a suite's own rows (the JGLUE README's table, a
model card's scores): italic rows marked "published (source)" in the overview and leaderboard
tables — never ranked, never bold, never in a significance test — and cited in HTML and blog
output. Never part of a trial key: nothing is run for them."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, field_validator

from harness.specs.base import Strict


class ReferenceSpec(Strict):
    """One published row: its scores per dataset and metric, and where they come from."""

    label: str = Field(min_length=1, description="The row's name, e.g. 'Tohoku BERT base'.")
    source: str = Field(min_length=1, description="Where the figures are published (cited in "
                                                  "every table that shows them).")
    url: str | None = Field(None, description="A link to the source.")
    split: Literal["validation", "test"] | None = Field(
        None, description="The split the figures were measured on (the JGLUE README's 'dev' "
                          "table: validation). Tables say when it is not the split they show.")
    model: str | None = Field(
        None, description="The suite model (its name) this row describes: its rows get a "
                          "'Δ vs published' note.")
    model_id: str | None = Field(
        None, description="The hub id of the published model (a references file shared by suites "
                          "names it so): a suite model with this id gets the 'Δ vs published' "
                          "note; none is fine.")
    note: str = Field("", description="How the published setup differs (training data, "
                                      "hyper-parameters), shown with the row.")
    scores: dict[str, dict[str, float]] = Field(
        description="dataset name -> metric -> value, as fractions (0.909, not 90.9); datasets "
                    "and metrics the suite does not have are ignored.")

    @field_validator("scores")
    @classmethod
    def _finite(cls, v):
        for dataset, metrics in v.items():
            for metric, value in metrics.items():
                if not math.isfinite(value):
                    raise ValueError(f"{dataset}.{metric} is not a finite number")
        return v
