"""The suite entry of `finetune`; its settings are the suite's `training:` (harness.specs.training)."""

from __future__ import annotations

from typing import Literal

from harness.specs.base import Strict


class FinetuneMethod(Strict):
    """Full fine-tuning with AutoModelForSequenceClassification + Trainer (settings: `training`)."""

    type: Literal["finetune"] = "finetune"
