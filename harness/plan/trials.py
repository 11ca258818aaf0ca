"""Expand a suite into trials: model × dataset × method × scheduler × seed, plus one majority
baseline per dataset.

A trial's key is sha256 over the canonical JSON of everything that changes its result: the
resolved method config, the data fingerprint (file contents, not paths), the model fingerprint
(hub id@revision, or the content hash of a local dir), the seed and the versions of the packages
that train it. Display names, YAML key order, suite paths and the results dir do not enter it.
"""

from __future__ import annotations

from harness.fingerprint import data_fingerprint, model_fingerprint, package_versions
from harness.specs.dataset import DatasetSpec
from harness.suite.schema import Suite
from harness.trial import KEY_VERSION, Trial, safe_name, trial_key

BASELINE_METHOD = "majority"
# Fields that do not change a trial's result; everything else in TrainingSpec does.
_TRAINING_NOT_IN_KEY = {"lr_scheduler_type", "lr_scheduler_kwargs", "logging_steps", "save_model"}
_DATASET_NOT_IN_KEY = {"name", "files", "hub"}


def _dataset_material(spec: DatasetSpec, fingerprints: dict) -> dict:
    fp = fingerprints.setdefault(("data", spec.name), data_fingerprint(spec))
    body = spec.model_dump(mode="json", exclude=_DATASET_NOT_IN_KEY)
    return {"fingerprint": fp, **body}


def build_plan(suite: Suite) -> list[Trial]:
    from harness.plan.embeddings import mteb_trials, probe_trials  # they build Trials too

    packages = package_versions()
    fingerprints: dict = {}
    trials: list[Trial] = []
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
