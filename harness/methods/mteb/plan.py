"""mteb trials: model × task (mteb's own protocol seed).

Key material: the pooling, the model's material, the task's settings and, for a local task, the
content of its files; for a named task, the hub dataset and commit mteb pins for it (the mteb
version is in the packages too); and the versions of torch, transformers, mteb,
sentence-transformers and scikit-learn.
"""

from __future__ import annotations

from harness.fingerprint import file_digest, package_versions
from harness.methods.base import PlanInputs
from harness.methods.mteb.spec import MtebMethod, MtebTaskSpec
from harness.specs.model import ModelSpec
from harness.trial import KEY_VERSION, Trial, safe_name, trial_key

MTEB_PACKAGES = ("torch", "transformers", "mteb", "sentence-transformers", "scikit-learn")
_TASK_NOT_IN_KEY = {"files"}


def task_material(task: MtebTaskSpec, fingerprints: dict) -> dict:
    """A local task: its settings and the content of its files; a named one: its name and the
    hub dataset and commit mteb pins for it (the mteb version is in the packages too)."""
    body = task.model_dump(mode="json", exclude=_TASK_NOT_IN_KEY)
    if not task.local:
        from harness.methods.mteb.tasks import named_task_data  # imports mteb

        path, revision, _ = fingerprints.setdefault(("task", task.name), named_task_data(task.name))
        body["data"] = f"hub:{path}@{revision}"
    if task.local:
        body["fingerprint"] = fingerprints.setdefault(
            ("task", task.name),
            {split: file_digest(path) for split, path in sorted(task.files.items())})
    return body


def mteb_trials(method: MtebMethod, model: ModelSpec, plan: PlanInputs) -> list[Trial]:
    packages = package_versions(MTEB_PACKAGES)
    model_material = plan.model_material(model)
    trials = []
    for task in method.tasks:
        material = {
            "key_version": KEY_VERSION,
            "method": {"type": "mteb", "pooling": method.pooling},
            "model": model_material, "task": task_material(task, plan.fingerprints),
            "packages": packages,
        }
        key = trial_key(material)
        slug = "__".join(safe_name(p) for p in (model.display_name, task.name, "mteb"))
        trials.append(Trial(key, f"{slug}__{key[:12]}", "mteb", task, model, None, None, material,
                            method_spec=method))
    return trials
