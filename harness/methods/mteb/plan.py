"""mteb trials: model × task (mteb's own protocol seed).

Key material: the pooling, the model's material, the task's settings and, for a local task, the
content of its files; for a named task, the hub dataset and commit mteb pins for it (the mteb
version is in the packages too); how a retrieval task searches (exact or FAISS); and the versions
of torch, transformers, mteb, sentence-transformers and scikit-learn (faiss-cpu too where a
retrieval task may use it).
"""

from __future__ import annotations

from functools import lru_cache

from harness.fingerprint import file_digest, package_versions
from harness.methods.base import PlanInputs
from harness.methods.mteb.spec import FILE_FIELDS, MtebMethod, MtebTaskSpec
from harness.specs.model import ModelSpec
from harness.trial import KEY_VERSION, Trial, safe_name, trial_key

MTEB_PACKAGES = ("torch", "transformers", "mteb", "sentence-transformers", "scikit-learn")


def task_material(task: MtebTaskSpec, fingerprints: dict) -> dict:
    """A local task: its settings and the content of its files; a named one: its name (and
    subsets, when set) and the hub dataset and commit mteb pins for it (the mteb version is in
    the packages too)."""
    unset = {"subsets"} if task.subsets is None else set()  # older keys never held it
    body = task.model_dump(mode="json", exclude=FILE_FIELDS | unset)
    if not task.local:
        from harness.methods.mteb.tasks import named_task_data  # imports mteb

        path, revision, _ = fingerprints.setdefault(("task", task.name), named_task_data(task.name))
        body["data"] = f"hub:{path}@{revision}"
    if task.local:
        body["fingerprint"] = fingerprints.setdefault(
            ("task", task.name),
            {role: file_digest(path) for role, path in sorted(task.data_files().items())})
    return body


def search_material(method: MtebMethod, task: MtebTaskSpec) -> dict | None:
    """How a retrieval task searches its corpus; None for tasks that never search a corpus
    (other types, and reranking, which scores each query's given candidates)."""
    if (task.type if task.local else named_type(task.name)) not in ("retrieval", "Retrieval"):
        return None
    out = {"search": method.search}
    if method.search != "exact":
        out.update(faiss_index=method.faiss_index, faiss_params=method.faiss_params)
    if method.search == "auto":
        out.update(faiss_from=method.faiss_from, faiss_from_queries=method.faiss_from_queries)
    return out


@lru_cache(maxsize=None)
def named_type(name: str) -> str | None:
    """mteb's type of a registry task (imports mteb: validate has already, for the name check);
    None when mteb or the task is missing (validate reports that)."""
    try:
        import mteb

        return mteb.get_task(name).metadata.type
    except (ImportError, KeyError):
        return None


def mteb_trials(method: MtebMethod, model: ModelSpec, plan: PlanInputs) -> list[Trial]:
    packages = package_versions(MTEB_PACKAGES)
    faiss = package_versions(("faiss-cpu",)) if method.search != "exact" else {}
    model_material = plan.model_material(model)
    trials = []
    for task in method.tasks:
        search = search_material(method, task)
        material = {
            "key_version": KEY_VERSION,
            "method": {"type": "mteb", "pooling": method.pooling,
                       **({"search": search} if search else {})},
            "model": model_material, "task": task_material(task, plan.fingerprints),
            "packages": {**packages, **(faiss if search else {})},
        }
        key = trial_key(material)
        slug = "__".join(safe_name(p) for p in (model.display_name, task.name, "mteb"))
        trials.append(Trial(key, f"{slug}__{key[:12]}", "mteb", task, model, None, None, material,
                            method_spec=method))
    return trials
