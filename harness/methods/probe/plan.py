"""Probe trials: model × dataset × pooling × classifier × configuration × seed (no schedulers:
nothing is fine-tuned). A classifier's `C` given as a list is a grid: one configuration per
value, expanded before any key is built (a single C keeps its key), selected on validation.

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
from harness.trial import KEY_VERSION, Trial, configuration_slug, safe_name, trial_key

PROBE_PACKAGES = ("torch", "transformers", "scikit-learn")


def probe_trials(method: ProbeMethod, model: ModelSpec, dataset: DatasetSpec,
                 plan: PlanInputs) -> list[Trial]:
    packages = package_versions(PROBE_PACKAGES)
    model_material, data = plan.model_material(model), plan.dataset_material(dataset)
    trials = []
    for pooling in method.pooling:
        for entry in method.classifiers:
            for values, classifier in entry.configurations():  # a C grid: one each
                label = classifier.label_without(values)
                for seed in plan.suite.seeds:
                    material = {
                        "key_version": KEY_VERSION,
                        "method": {"type": "probe", "pooling": pooling, "layer": method.layer,
                                   "classifier": classifier.model_dump(mode="json")},
                        "model": model_material, "dataset": data, "seed": seed,
                        "packages": packages,
                    }
                    key = trial_key(material)
                    parts = [model.display_name, dataset.name, "probe", pooling, label]
                    parts += [configuration_slug(values)] if values else []
                    slug = "__".join(safe_name(p) for p in (*parts, f"s{seed}"))
                    trials.append(Trial(key, f"{slug}__{key[:12]}", "probe", dataset, model, None,
                                        seed, material, variant=f"{pooling}, {label}",
                                        method_spec=method, configuration=values))
    return trials
