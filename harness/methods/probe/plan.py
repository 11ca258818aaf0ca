"""Probe trials: model × dataset × pooling × classifier × seed (no schedulers: nothing is
fine-tuned).

Key material: the pooling, layer and classifier settings, the model's and dataset's material,
the seed and the versions of torch, transformers and scikit-learn. Probe keys are their own:
adding a probe to a suite changes no fine-tune key.
"""

from __future__ import annotations

from harness.fingerprint import package_versions
from harness.methods.base import PlanInputs
from harness.methods.probe.spec import ProbeMethod
from harness.specs.dataset import DatasetSpec
from harness.specs.model import ModelSpec
from harness.trial import KEY_VERSION, Trial, safe_name, trial_key

PROBE_PACKAGES = ("torch", "transformers", "scikit-learn")


def probe_trials(method: ProbeMethod, model: ModelSpec, dataset: DatasetSpec,
                 plan: PlanInputs) -> list[Trial]:
    packages = package_versions(PROBE_PACKAGES)
    model_material, data = plan.model_material(model), plan.dataset_material(dataset)
    trials = []
    for pooling in method.pooling:
        for classifier in method.classifiers:
            for seed in plan.suite.seeds:
                material = {
                    "key_version": KEY_VERSION,
                    "method": {"type": "probe", "pooling": pooling, "layer": method.layer,
                               "classifier": classifier.model_dump(mode="json")},
                    "model": model_material, "dataset": data, "seed": seed, "packages": packages,
                }
                key = trial_key(material)
                variant = f"{pooling}, {classifier.label}"
                slug = "__".join(safe_name(p) for p in (
                    model.display_name, dataset.name, "probe", pooling, classifier.label, f"s{seed}"))
                trials.append(Trial(key, f"{slug}__{key[:12]}", "probe", dataset, model, None, seed,
                                    material, variant=variant, method_spec=method))
    return trials
