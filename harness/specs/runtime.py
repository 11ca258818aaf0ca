"""`runtimes:` (suite level, per-model override): where a trained or frozen model is evaluated.

`torch` is the reference (fp32 eager, or the model's `dtype`); every other runtime is a trial of
its own whose quality and speed the runtime report table sets against the same model's `torch`
row (harness.runtimes, docs/runtimes.md). Names only here: what each needs and does is
harness.runtimes.catalog.
"""

from __future__ import annotations

from typing import Any

from harness.specs.field_error import FieldError

RUNTIME_NAMES = ("torch", "torch-bf16", "onnx", "onnx-int8", "openvino", "openvino-bf16")
REFERENCE = "torch"


def check_runtimes(value: Any) -> Any:
    """A list of distinct known runtime names that includes torch (each other runtime's Δ is
    measured against it); errors name the item's index."""
    if value is None:
        return value
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ValueError("a non-empty list of runtime names "
                         f"({', '.join(RUNTIME_NAMES)})")
    for i, name in enumerate(value):
        if name not in RUNTIME_NAMES:
            raise FieldError(str(i), f"unknown runtime {name!r} (one of "
                                     f"{', '.join(RUNTIME_NAMES)})")
        if value.index(name) != i:
            raise FieldError(str(i), f"repeats {name!r}")
    if REFERENCE not in value:
        raise ValueError("must include torch: every other runtime's quality and speed are "
                         "measured against the model's torch row")
    return value
