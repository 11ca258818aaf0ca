"""A trial and its key: what every layer from the plan up passes around.

A trial's key is sha256 over the canonical JSON of its key material: everything that changes its
result (each method says what: harness.methods.<name>.plan). Display names, YAML key order,
suite paths and the results dir never enter it. KEY_VERSION is part of every key's material:
bump it when what enters a key changes, so old results are not reused for a different config.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from pydantic import BaseModel

from harness.specs.model import ModelSpec
from harness.specs.training import TrainingSpec

KEY_VERSION = 2  # 2: hub revisions enter as resolved commits; hub.splits enters


@dataclass(frozen=True)
class Trial:
    """One unit of work: a method on a model (or none) and a dataset (or an MTEB task) with a
    seed (or none). Picklable: parallel executors send it to workers."""

    key: str
    trial_id: str  # file-name-safe slug + the key's first 12 hex digits
    method: str  # the registry name (harness.methods.registry)
    dataset: BaseModel  # a DatasetSpec; an MTEB task spec for mteb trials
    model: ModelSpec | None = None
    scheduler: str | None = None
    seed: int | None = None
    key_material: dict = field(default_factory=dict, compare=False)
    variant: str | None = None  # e.g. probe: pooling and classifier
    method_spec: BaseModel | None = field(default=None, compare=False)  # the suite's entry
    # A fine-tune's resolved training settings (scalar: one configuration of a grid or search)
    training: TrainingSpec | None = field(default=None, compare=False)
    # The values of the fields a grid or search varies, e.g. {"learning_rate": 1e-05}; {} when
    # the suite varies none. In the key already (through the settings); names the configuration.
    configuration: dict = field(default_factory=dict, compare=False)
    # A runtime other than torch (harness.runtimes): the trial predicts again through the model
    # that `after` (the source trial's id: a fine-tune, or the torch trial of a frozen encoder)
    # evaluated in torch; executors start it once that trial has a record.
    runtime: str | None = None
    after: str | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        parts = [self.model.display_name if self.model else "-", self.dataset.name, self.method]
        if self.scheduler:
            parts.append(self.scheduler)
        if self.variant:
            parts.append(self.variant)
        if self.configuration:
            parts.append(configuration_label(self.configuration))
        if self.runtime:
            parts.append(self.runtime)
        if self.seed is not None:
            parts.append(f"seed {self.seed}")
        return " × ".join(parts)


def configuration_label(values: dict) -> str:
    """`learning_rate=1e-05, epochs=2` (numbers in their shortest exact-enough form)."""
    return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                     for k, v in values.items())


def configuration_slug(values: dict) -> str:
    """A trial-id part for a configuration: `learning_rate-1e-05_epochs-2` ('' when none)."""
    return "_".join(f"{k}-{v:.4g}" if isinstance(v, float) else f"{k}-{v}" for k, v in values.items())


def canonical_json(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def trial_key(material: dict) -> str:
    return hashlib.sha256(canonical_json(material).encode()).hexdigest()


def safe_name(text: str) -> str:
    """A file-name-safe slug: never a path separator, never '..'."""
    slug = re.sub(r"\.{2,}", ".", re.sub(r"[^A-Za-z0-9._-]+", "-", text)).strip(".-") or "x"
    return slug[:80]
