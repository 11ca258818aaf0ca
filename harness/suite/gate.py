"""The suite's `gate:` section: what a nightly comparison must hold to pass.

    gate:
      rules:
        - {metric: f1_weighted, floor: 0.80, model: bert-ja}   # the new mean must reach 0.80
        - {metric: accuracy, max_drop: 0.01}                  # a significant drop of > 0.01 fails
      min_difference: {accuracy: 0.01}   # smallest change that counts (default 0.005 absolute)
      ratio_tolerance: 0.10              # throughput/latency: new ÷ base outside 1 ± this is a change

A rule's metric is one of the suite's metrics or a timing ratio metric (RATIO_METRICS).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_MIN_DIFFERENCE = 0.005
DEFAULT_RATIO_TOLERANCE = 0.10
# Timing fields compared as new ÷ base ratios; True: higher is better.
RATIO_METRICS = {"test_samples_per_s": True, "train_samples_per_s": True,
                 "latency_ms_p50_b1": False, "latency_ms_p50_batch": False}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class GateRule(_Strict):
    metric: str = Field(description="A suite metric (test split) or a timing ratio metric.")
    model: str | None = Field(None, description="Only rows of this model (default: every model).")
    dataset: str | None = Field(None, description="Only rows of this dataset (default: every one).")
    floor: float | None = Field(None, description="Fails when the new mean is below this.")
    max_drop: float | None = Field(
        0.0, ge=0, description="Fails when a significant regression drops the mean by more than "
                               "this (absolute; ratio metrics: share, e.g. 0.2). null: never.")


class GateSpec(_Strict):
    rules: list[GateRule] = Field(default_factory=list)
    min_difference: dict[str, float] = Field(
        default_factory=dict, description=f"Per metric: the smallest absolute change that counts "
                                          f"(default {DEFAULT_MIN_DIFFERENCE}).")
    ratio_tolerance: float = Field(DEFAULT_RATIO_TOLERANCE, gt=0, lt=1,
                                   description="Throughput/latency ratios within 1 ± this are unchanged.")

    def unknown_metrics(self, suite_metrics: list[str]) -> list[tuple[str, str]]:
        """(field path, name) of every metric the gate names that the suite does not compute."""
        known = set(suite_metrics) | set(RATIO_METRICS)
        out = [(f"gate.rules.{i}.metric", r.metric) for i, r in enumerate(self.rules)
               if r.metric not in known]
        out += [(f"gate.min_difference.{m}", m) for m in self.min_difference if m not in known]
        return out
