"""DatasetSpec -> PreparedData: the data as stored (harness.data.load), read through its task
type into canonical columns, missing splits carved out of train (stratified for classification,
seeded), subsamples taken, facts counted.

`prepare_once` shares the result between `validate` and the trials of one process;
`checked_dataset` remembers on disk what validate learnt about an unchanged local dataset
(harness.data.checked), including its task type, so plans can ask for task types cheaply.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from harness.data.checked import PREPARING_CODE, remembered
from harness.data.load import LABEL, DataError, file_field, load_raw, rows_as_lines
from harness.data.split import carve_missing_splits, take
from harness.specs.dataset import DatasetSpec
from harness.tasks.base import TaskInfo, TaskType
from harness.tasks.registry import declared, foreign_fields, inferred

CODE = tuple(sorted({*PREPARING_CODE, *Path(__file__).resolve().parent.rglob("*.py")}))


@dataclass
class PreparedData:
    splits: object  # datasets.DatasetDict with the task type's canonical columns
    task: TaskType
    info: TaskInfo
    facts: dict = field(default_factory=dict)  # per split: rows and the task type's counts

    @property
    def label_names(self) -> list[str]:
        return self.info.label_names

    @property
    def positive_label_id(self) -> int | None:
        return self.info.positive_label_id

    @property
    def num_labels(self) -> int:
        return self.info.num_labels


def prepare(spec: DatasetSpec, raw=None) -> PreparedData:
    import datasets

    task = declared(spec)
    for fld, message in (task.spec_problems(spec) + foreign_fields(spec, task) if task else []):
        raise DataError(message, field=fld)
    raw = raw if raw is not None else task.load_raw(spec) if task else load_raw(spec)
    task = task or inferred(spec, raw)
    for fld, message in task.spec_problems(spec) + foreign_fields(spec, task):
        raise DataError(message, field=fld)
    info = task.info(spec, raw)
    splits = {}
    for split, ds in raw.items():
        with rows_as_lines(spec, split):  # a row error names the file's line too
            splits[split] = task.canonical(spec, split, ds, info)
    for split, ds in splits.items():
        if len(ds) == 0:
            raise DataError(f"split {split} has no rows", field=file_field(spec, split))
    stratify = LABEL if task.stratified else None
    dsd = carve_missing_splits(spec, datasets.DatasetDict(splits), stratify)
    if spec.max_train_samples and spec.max_train_samples < len(dsd["train"]):
        dsd["train"] = take(dsd["train"], spec.max_train_samples, spec.split_seed, stratify,
                            "max_train_samples")
    if spec.max_test_samples and spec.max_test_samples < len(dsd["test"]):
        dsd["test"] = take(dsd["test"], spec.max_test_samples, spec.split_seed, stratify,
                           "max_test_samples")
    info = task.finish(dict(dsd), info)
    facts = {split: task.facts(ds, info) for split, ds in dsd.items()}
    task.check_facts(facts, info)
    return PreparedData(dsd, task, info, facts)


_PREPARED: dict[str, PreparedData] = {}


def prepare_once(spec: DatasetSpec) -> PreparedData:
    """prepare(spec), shared by `validate` and the trials of one process: `harness run` checks
    the data before training and then reuses what the check prepared. Keyed by the spec and
    the content digest of its files, so an edited file is prepared again."""
    from harness.fingerprint import data_fingerprint

    try:
        key = json.dumps([spec.model_dump(mode="json"), data_fingerprint(spec)], sort_keys=True)
    except OSError:  # a missing or unreadable file: prepare() says which, with its field
        return prepare(spec)
    if key not in _PREPARED:
        _PREPARED[key] = prepare(spec)
    return _PREPARED[key]


def summary_of(data: PreparedData) -> dict:
    """What validate prints and remembers: the task type, its info and rows per split."""
    return {"task": data.task.name, "label_names": list(data.label_names),
            "info": data.info.extra, "summary": data.task.summary(data.info),
            "rows": {split: facts["rows"] for split, facts in data.facts.items()}}


def checked_dataset(spec: DatasetSpec) -> tuple[dict, bool]:
    """(summary_of(prepare(spec)), remembered) of a local suite dataset (raises its DataError);
    remembered on disk until the spec, a file's content or this code changes."""
    return remembered("dataset", spec, dict(spec.files), lambda: summary_of(prepare_once(spec)),
                      code=CODE)


def task_of(spec: DatasetSpec) -> TaskType:
    """A dataset's task type: declared, else inferred from its data (local files through the
    checked memo, so a plan after validate reads no data; hub data prepared once)."""
    from harness.tasks.registry import task_type

    found = declared(spec)
    if found is not None:
        return found
    if spec.files is not None:
        return task_type(checked_dataset(spec)[0]["task"])
    return prepare_once(spec).task
