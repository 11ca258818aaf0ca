"""Fault injection for tests and drills, switched on by environment variables only.

    HARNESS_SIMULATE_OOM="<trial_id glob>[@<max batch>],..."
        Matching fine-tune trials raise torch.OutOfMemoryError when training starts with a
        per-device train batch above <max batch> (default 0: every attempt runs out of memory),
        exactly where a real CUDA OOM surfaces, so the OOM retry path runs for real.
    HARNESS_SIMULATE_NAN="<trial_id glob>[@<step>],..."
        Matching fine-tune trials get NaN weights at optimizer step <step> (default 1), so the
        loss becomes NaN and the divergence check runs for real.
    HARNESS_SIMULATE_FAIL="<trial_id glob>,..."
        Matching fine-tune trials raise RuntimeError when training starts (a trial that fails).

Globs match trial ids (fnmatch), e.g. `tiny__topics__finetune__cosine__*`. Whenever one is set,
`harness run` prints a warning naming it: injected faults are never silent.
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase

VARIABLES = ("HARNESS_SIMULATE_OOM", "HARNESS_SIMULATE_NAN", "HARNESS_SIMULATE_FAIL")


def active() -> dict[str, str]:
    return {name: os.environ[name] for name in VARIABLES if os.environ.get(name)}


def rule_for(variable: str, trial_id: str, default: int) -> int | None:
    """The number given with the first glob matching `trial_id`, or None when none matches."""
    for item in os.environ.get(variable, "").split(","):
        pattern, _, number = item.strip().partition("@")
        if pattern and fnmatchcase(trial_id, pattern):
            return int(number) if number.strip().isdigit() else default
    return None
