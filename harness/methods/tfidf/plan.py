"""tfidf trials: dataset × feature set × seed (no model, no scheduler).

Key material: the feature set and classifier settings, the dataset's material, the seed and the
scikit-learn version (with MeCab words also fugashi's and its dictionary's).
"""

from __future__ import annotations

from harness.fingerprint import package_versions
from harness.methods.base import PlanInputs
from harness.methods.tfidf.spec import TfidfMethod
from harness.specs.dataset import DatasetSpec
from harness.trial import KEY_VERSION, Trial, safe_name, trial_key

PACKAGES = ("scikit-learn",)
MECAB_PACKAGES = ("fugashi", "unidic-lite", "unidic")


def tfidf_trials(method: TfidfMethod, dataset: DatasetSpec, plan: PlanInputs) -> list[Trial]:
    data = plan.dataset_material(dataset)
    classifier = method.model_dump(mode="json", include={"C", "max_iter", "class_weight"})
    trials = []
    for features in method.features:
        mecab = features.analyzer == "mecab"
        packages = package_versions(PACKAGES + (MECAB_PACKAGES if mecab else ()))
        for seed in plan.suite.seeds:
            material = {
                "key_version": KEY_VERSION,
                "method": {"type": method.type, "features": features.model_dump(mode="json"),
                           **classifier},
                "dataset": data, "seed": seed, "packages": packages,
            }
            key = trial_key(material)
            slug = "__".join(safe_name(p) for p in (method.type, dataset.name, features.label,
                                                      f"s{seed}"))
            trials.append(Trial(key, f"{slug}__{key[:12]}", method.type, dataset, None, None, seed,
                                material, variant=features.label, method_spec=method))
    return trials
