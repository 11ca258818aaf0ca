"""Task-type registry: a task type is one module (or folder) under harness/tasks/ and one line
in PLUGINS. A dataset's task type is its `task:`, else the first task type its spec declares
(choice columns, label_range), else the first whose `claims` the raw train split satisfies,
else classification."""

from __future__ import annotations

from importlib import import_module

from harness.tasks.base import TaskType

PLUGINS = (  # one line a task type; inference asks them in this order, classification last
    "harness.tasks.multiple_choice",
    "harness.tasks.regression",
    "harness.tasks.classification",
)

TASKS: dict[str, TaskType] = {t.name: t for t in (import_module(p).TASK for p in PLUGINS)}
DEFAULT = "classification"


def task_type(name: str | None) -> TaskType:
    """The task type of a name (a record's task_type; None: classification, as records before
    task types). KeyError for a name no plugin registers."""
    return TASKS[name or DEFAULT]


def names() -> list[str]:
    return list(TASKS)


def declared(spec) -> TaskType | None:
    """The task type the spec names (`task:`) or implies by its own fields; None: infer it."""
    if spec.task is not None:
        return TASKS[spec.task]
    return next((t for t in TASKS.values() if t.declared_by(spec)), None)


def inferred(spec, raw) -> TaskType:
    """The task type of a spec without one, from its raw train split."""
    found = declared(spec)
    if found is not None:
        return found
    return next((t for t in TASKS.values() if t.name != DEFAULT and t.claims(spec, raw["train"])),
                TASKS[DEFAULT])
