"""Suite task specs -> mteb task objects. A named task comes from mteb's registry, its data from
the HF cache's snapshot of the hub commit mteb pins (named_task_data: also asked when planning,
validating and fetching); a local task subclasses mteb's abstract task of its type and loads the
suite's files, never the hub. Imports mteb (and so torch) inside its functions only."""

from __future__ import annotations

import hashlib

from harness.methods.base import HubData
from harness.methods.mteb.local_tasks import load_local_task
from harness.methods.mteb.spec import MTEB_TYPES, MtebMethod


def _abstract(task_type: str):
    if task_type == "classification":
        from mteb.abstasks.classification import AbsTaskClassification as base
    elif task_type == "pair_classification":
        from mteb.abstasks.pair_classification import AbsTaskPairClassification as base
    elif task_type == "sts":
        from mteb.abstasks.sts import AbsTaskSTS as base
    else:
        from mteb.abstasks.clustering import AbsTaskClustering as base
    return base


def local_revision(task, fingerprint: dict) -> str:
    """A content label for mteb's `dataset.revision`: the files' digests and the task settings."""
    text = repr(sorted(fingerprint.items())) + task.model_dump_json(exclude={"files"})
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def named_task_data(name: str) -> tuple[str, str | None, list]:
    """(hub dataset id, the revision mteb pins, its configs) of a task in mteb's registry."""
    import mteb

    task = mteb.get_task(name)
    dataset = task.metadata.dataset
    configs = list(task.hf_subsets) if task.metadata.is_multilingual else [dataset.get("name")]
    return dataset["path"], dataset.get("revision"), configs


def named_hub_data(method: MtebMethod, index: int) -> list[HubData]:
    """The hub datasets of the method's tasks named by MTEB name, at the commits mteb pins."""
    from importlib.metadata import version

    out = []
    for k, task in enumerate(method.tasks):
        if task.local:
            continue
        path, revision, configs = named_task_data(task.name)
        out.append(HubData(path, revision, tuple(configs), f"mteb task {task.name}",
                           ("methods", index, "tasks", k, "name"), task.name,
                           f"mteb {version('mteb')}"))
    return out


def build_task(task, fingerprint: dict | None = None):
    """An mteb task object ready for mteb.evaluate. A named task reads its data at mteb's pinned
    revision from the HF cache's snapshot folder of that commit (harness.hub downloads it there
    when missing), as hub datasets of a suite do: the same files online and offline."""
    if not task.local:
        import mteb

        from harness.hub import dataset_snapshot

        named = mteb.get_task(task.name)
        path, revision, configs = named_task_data(task.name)
        folder = dataset_snapshot(path, revision, configs).folder
        dataset = {**named.metadata.dataset, "path": str(folder)}
        named.metadata = named.metadata.model_copy(update={"dataset": dataset})  # this object only
        return named
    from mteb.abstasks.task_metadata import TaskMetadata

    metadata = TaskMetadata(
        name=task.name, description=f"harness local {task.type} task {task.name}",
        type=MTEB_TYPES[task.type], category="t2t", modalities=["text"],
        eval_splits=list(task.eval_splits), eval_langs=list(task.languages), main_score=task.main,
        dataset={"path": f"local/{task.name}", "revision": local_revision(task, fingerprint or {})})
    attributes = {"metadata": metadata, "load_data": _load_data(task)}
    if task.type == "sts":
        attributes.update(min_score=task.min_score, max_score=task.max_score)
    if task.type == "classification":
        attributes["train_split"] = task.train_split
        if task.samples_per_label:
            attributes["samples_per_label"] = task.samples_per_label
        if task.n_experiments:
            attributes["n_experiments"] = task.n_experiments
    if task.type == "clustering":
        # mteb's default embeds 4 % of the documents (for huge hub sets); a local task embeds all
        attributes.update(max_fraction_of_documents_to_embed=None, max_document_to_embed=None)
    cls = type(f"Local_{task.type}", (_abstract(task.type),), attributes)
    return cls()


def _load_data(task):
    def load_data(self, *args, **kwargs) -> None:
        if self.data_loaded:
            return
        self.dataset = load_local_task(task)
        self.data_loaded = True

    return load_data
