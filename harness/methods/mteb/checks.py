"""Validate-time checks of `mteb`: local tasks' files, columns, labels and scores, read with
`datasets` as a trial reads them (remembered while unchanged: harness.data.checked); named tasks
must be in mteb's task registry, and their data (the hub dataset at the commit mteb pins) is
looked up in the HF cache or on the hub (harness.hub). That needs `import mteb` (which imports
torch, a few seconds), so validate imports it only for suites that name MTEB tasks."""

from __future__ import annotations

from pathlib import Path

from harness.data.checked import PREPARING_CODE, remembered
from harness.data.load import DataError
from harness.errors import HarnessError
from harness.hub import HubError, resolve
from harness.methods.base import Finding, SuiteFile
from harness.methods.mteb.spec import MtebMethod, MtebTaskSpec

LOADING_CODE = (*PREPARING_CODE, Path(__file__).with_name("local_tasks.py"))


def checked_local_task(task: MtebTaskSpec) -> tuple[dict, bool]:
    """({'rows': {split: n}}, remembered) of a local MTEB task's files (raises DataError)."""
    def check():
        from harness.methods.mteb.local_tasks import load_local_task

        return {"rows": {split: len(ds) for split, ds in load_local_task(task).items()}}

    return remembered("mteb-local-task", task, dict(task.files), check, LOADING_CODE)


def check_mteb(method: MtebMethod, j: int,
               loaded: SuiteFile) -> tuple[list[Finding], list[HarnessError]]:
    findings, errors = [], []
    named = [(k, t) for k, t in enumerate(method.tasks) if not t.local]
    if named:
        unknown = unknown_task_names([t.name for _, t in named])
        for k, task in named:
            if task.name in unknown:
                errors.append(loaded.error(unknown[task.name], ("methods", j, "tasks", k, "name")))
            else:
                findings.append(named_task_finding(task, ("methods", j, "tasks", k, "name"),
                                                   loaded, errors))
    for k, task in enumerate(method.tasks):
        if not task.local:
            continue
        try:
            summary, _ = checked_local_task(task)
        except DataError as e:
            loc = ("methods", j, "tasks", k,
                   *[int(p) if p.isdigit() else p for p in (e.field or "").split(".") if p])
            errors.append(loaded.error(e.message, loc))
            continue
        sizes = ", ".join(f"{split} {rows}" for split, rows in summary["rows"].items())
        findings.append(Finding(f"mteb task {task.name}", "ok", f"local {task.type}; {sizes}"))
    return findings, errors


def named_task_finding(task: MtebTaskSpec, loc: tuple, loaded: SuiteFile,
                       errors: list[HarnessError]) -> Finding:
    """Where the data of a task in mteb's registry is: the hub dataset at the commit mteb pins,
    in the HF cache or on the hub (asked once); not checked when neither can be asked."""
    from harness.methods.mteb.tasks import named_task_data

    path, revision, _ = named_task_data(task.name)
    item = f"mteb task {task.name}"
    try:
        res = resolve("dataset", path, revision)
    except HubError as e:
        if not e.unavailable:
            errors.append(loaded.error(f"its data: {e.message}", loc))
        return Finding(item, "not checked", f"in mteb's registry; data: {e.message}")
    where = "in the HF cache" if res.source == "HF cache" else "on the hub"
    return Finding(item, "ok", f"in mteb's registry; data {path}@{res.commit[:12]} (pinned by "
                               f"mteb) {where}")


def unknown_task_names(names: list[str]) -> dict[str, str]:
    """name -> message, for names not in mteb's registry (imports mteb)."""
    try:
        import mteb
    except ImportError:
        return {n: "naming an MTEB task needs mteb: pip install 'harness[embeddings]'" for n in names}
    out = {}
    for name in names:
        try:
            mteb.get_task(name)
        except KeyError as e:
            hint = str(e.args[0] if e.args else e).removeprefix("KeyError: ")
            out[name] = f"unknown MTEB task: {hint}"
    return out
