"""Trials of the embedding methods. probe: model × dataset × pooling × classifier × seed (no
schedulers: nothing is fine-tuned). mteb: model × task (mteb's own protocol seed).

Keys follow trials.py: sha256 over the canonical JSON of what changes a result. Both methods
are new at KEY_VERSION 1, so finetune and majority keys are untouched by them.
"""

from __future__ import annotations

from harness.plan.fingerprint import file_digest, package_versions
from harness.plan.trials import KEY_VERSION, Trial, safe_name, trial_key

PROBE_PACKAGES = ("torch", "transformers", "scikit-learn")
MTEB_PACKAGES = ("torch", "transformers", "mteb", "sentence-transformers", "scikit-learn")
_TASK_NOT_IN_KEY = {"files"}


def probe_trials(method, model, model_material: dict, dataset, data: dict, seeds) -> list[Trial]:
    packages = package_versions(PROBE_PACKAGES)
    trials = []
    for pooling in method.pooling:
        for classifier in method.classifiers:
            for seed in seeds:
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
                                    material, variant=variant))
    return trials


def task_material(task, fingerprints: dict) -> dict:
    """A local task: its settings and the content of its files; a named one: its name and the
    hub dataset and commit mteb pins for it (the mteb version is in the packages too)."""
    body = task.model_dump(mode="json", exclude=_TASK_NOT_IN_KEY)
    if not task.local:
        from harness.embeddings.mteb_tasks import named_task_data

        path, revision, _ = fingerprints.setdefault(("task", task.name), named_task_data(task.name))
        body["data"] = f"hub:{path}@{revision}"
    if task.local:
        body["fingerprint"] = fingerprints.setdefault(
            ("task", task.name),
            {split: file_digest(path) for split, path in sorted(task.files.items())})
    return body


def mteb_trials(method, model, model_material: dict, fingerprints: dict) -> list[Trial]:
    packages = package_versions(MTEB_PACKAGES)
    trials = []
    for task in method.tasks:
        material = {
            "key_version": KEY_VERSION,
            "method": {"type": "mteb", "pooling": method.pooling},
            "model": model_material, "task": task_material(task, fingerprints), "packages": packages,
        }
        key = trial_key(material)
        slug = "__".join(safe_name(p) for p in (model.display_name, task.name, "mteb"))
        trials.append(Trial(key, f"{slug}__{key[:12]}", "mteb", task, model, None, None, material))
    return trials
