"""Expand a suite into trials: model × dataset × method × scheduler × seed, plus one majority
baseline per dataset.

A trial's key is sha256 over the canonical JSON of everything that changes its result: the
resolved method config, the data fingerprint (file contents, not paths; hub id@commit), the model
fingerprint (hub id@commit its revision resolved to, or the content hash of a local dir), the seed and the versions of the packages
that train it. Display names, YAML key order, suite paths and the results dir do not enter it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from harness.plan.fingerprint import (data_fingerprint, model_fingerprint, package_versions,
                                      pinned_dataset, pinned_model)
from harness.suite.schema import DatasetSpec, ModelSpec, Suite

KEY_VERSION = 2  # 2: hub revisions enter as resolved commits; hub.splits enters
BASELINE_METHOD = "majority"
# Fields that do not change a trial's result; everything else in TrainingSpec does.
_TRAINING_NOT_IN_KEY = {"lr_scheduler_type", "lr_scheduler_kwargs", "logging_steps", "save_model"}
_DATASET_NOT_IN_KEY = {"name", "files", "hub"}


@dataclass(frozen=True)
class Trial:
    key: str
    trial_id: str
    method: str
    dataset: DatasetSpec
    model: ModelSpec | None = None
    scheduler: str | None = None
    seed: int | None = None
    key_material: dict = field(default_factory=dict, compare=False)
    variant: str | None = None  # probe: pooling and classifier (mteb trials: dataset is the task)

    @property
    def label(self) -> str:
        parts = [self.model.display_name if self.model else "-", self.dataset.name, self.method]
        if self.scheduler:
            parts.append(self.scheduler)
        if self.variant:
            parts.append(self.variant)
        if self.seed is not None:
            parts.append(f"seed {self.seed}")
        return " × ".join(parts)


def canonical_json(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def trial_key(material: dict) -> str:
    return hashlib.sha256(canonical_json(material).encode()).hexdigest()


def safe_name(text: str) -> str:
    """A file-name-safe slug: never a path separator, never '..'."""
    slug = re.sub(r"\.{2,}", ".", re.sub(r"[^A-Za-z0-9._-]+", "-", text)).strip(".-") or "x"
    return slug[:80]


def _dataset_material(spec: DatasetSpec, fingerprints: dict) -> dict:
    fp = fingerprints.setdefault(("data", spec.name), data_fingerprint(spec))
    body = spec.model_dump(mode="json", exclude=_DATASET_NOT_IN_KEY)
    if spec.hub is not None and spec.hub.splits:
        body["hub_splits"] = spec.hub.splits
    return {"fingerprint": fp, **body}


def build_plan(suite: Suite) -> list[Trial]:
    from harness.plan.embeddings import mteb_trials, probe_trials  # they build Trials too

    packages = package_versions()
    fingerprints: dict = {}
    trials: list[Trial] = []
    # Trials carry hub revisions resolved to commits: whatever runs them loads exactly these.
    suite = suite.model_copy(update={"models": [pinned_model(m) for m in suite.models],
                                     "datasets": [pinned_dataset(d) for d in suite.datasets]})
    for dataset in suite.datasets:
        data = _dataset_material(dataset, fingerprints)
        material = {"key_version": KEY_VERSION, "method": BASELINE_METHOD, "dataset": data}
        key = trial_key(material)
        trials.append(Trial(key, f"{BASELINE_METHOD}__{safe_name(dataset.name)}__{key[:12]}",
                            BASELINE_METHOD, dataset, key_material=material))
    training = suite.training.model_dump(mode="json", exclude=_TRAINING_NOT_IN_KEY)
    if suite.training.load_best_model_at_end and not training["metric_for_best_model"]:
        training["metric_for_best_model"] = suite.main
    for model in suite.models:
        model_fp = fingerprints.setdefault(("model", model.display_name), model_fingerprint(model))
        model_material = {"fingerprint": model_fp,
                          **model.model_dump(mode="json", exclude={"name", "id", "path",
                                                                   "package", "revision",
                                                                   "save_model",
                                                                   "resources"})}
        for dataset in suite.datasets:
            data = _dataset_material(dataset, fingerprints)
            for method in suite.methods:
                if method.type == "probe":
                    trials.extend(probe_trials(method, model, model_material, dataset, data,
                                               suite.seeds))
                    continue
                if method.type != "finetune":
                    continue
                for scheduler in suite.training.lr_scheduler_type:
                    kwargs = suite.training.lr_scheduler_kwargs.get(scheduler, {})
                    for seed in suite.seeds:
                        material = {
                            "key_version": KEY_VERSION, "method": method.model_dump(mode="json"),
                            "model": model_material, "dataset": data,
                            "training": {**training, "lr_scheduler_type": scheduler,
                                         "lr_scheduler_kwargs": kwargs},
                            "seed": seed, "packages": packages,
                        }
                        key = trial_key(material)
                        slug = "__".join(safe_name(p) for p in (
                            model.display_name, dataset.name, method.type, scheduler, f"s{seed}"))
                        trials.append(Trial(key, f"{slug}__{key[:12]}", method.type, dataset,
                                            model, scheduler, seed, material))
        for method in (m for m in suite.methods if m.type == "mteb"):
            trials.extend(mteb_trials(method, model, model_material, fingerprints))
    return trials
