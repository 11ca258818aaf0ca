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
from harness.methods.mteb.plan import named_type
from harness.methods.mteb.spec import MtebMethod, MtebTaskSpec

LOADING_CODE = (*PREPARING_CODE, Path(__file__).with_name("local_tasks.py"),
                Path(__file__).with_name("retrieval_data.py"))


def checked_local_task(task: MtebTaskSpec) -> tuple[dict, bool]:
    """({'rows': {part: n}}, remembered) of a local MTEB task's files (raises DataError)."""
    def check():
        from harness.methods.mteb.local_tasks import local_task_rows

        return {"rows": local_task_rows(task)}

    return remembered("mteb-local-task", task, task.data_files(), check, LOADING_CODE)


def check_mteb(method: MtebMethod, j: int,
               loaded: SuiteFile) -> tuple[list[Finding], list[HarnessError]]:
    findings, errors, faiss_for = [], [], []
    named = [(k, t) for k, t in enumerate(method.tasks) if not t.local]
    if named:
        problems = named_task_problems([t for _, t in named])
        for k, task in named:
            if task.name in problems:
                field, message = problems[task.name]
                errors.append(loaded.error(message, ("methods", j, "tasks", k, field)))
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
        sizes = ", ".join(f"{part} {rows}" for part, rows in summary["rows"].items())
        findings.append(Finding(f"mteb task {task.name}", "ok", f"local {task.type}; {sizes}"))
        if task.type == "retrieval" and _needs_faiss(method, summary["rows"], task):
            faiss_for.append(task.name)
    if method.search == "faiss" and named and not _has_faiss():
        faiss_for += [t.name for _, t in named if named_type(t.name) == "Retrieval"]
    if faiss_for:
        errors.append(loaded.error(f"searching {', '.join(faiss_for)} through FAISS needs faiss: "
                                   "pip install 'harness[faiss]'", ("methods", j, "search")))
    return findings, errors


def _has_faiss() -> bool:
    import importlib.util

    return importlib.util.find_spec("faiss") is not None


def _needs_faiss(method: MtebMethod, rows: dict, task: MtebTaskSpec) -> bool:
    """A local retrieval task that will search through FAISS where faiss is not installed."""
    if method.search == "exact" or _has_faiss():
        return False
    queries = max(rows.get(f"{split} queries", 0) for split in task.eval_splits)
    return method.search == "faiss" or (rows["corpus"] >= method.faiss_from
                                        and queries >= method.faiss_from_queries)


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


def named_task_problems(tasks) -> dict[str, tuple[str, str]]:
    """name -> (field, message) for named tasks not in mteb's registry or asking for subsets
    the task lacks (imports mteb)."""
    try:
        import mteb
    except ImportError:
        return {t.name: ("name", "naming an MTEB task needs mteb: pip install 'harness[embeddings]'")
                for t in tasks}
    out = {}
    for task in tasks:
        try:
            found = mteb.get_task(task.name)
        except KeyError as e:
            hint = str(e.args[0] if e.args else e).removeprefix("KeyError: ")
            out[task.name] = ("name", f"unknown MTEB task: {hint}")
            continue
        known = list(found.metadata.hf_subsets_to_langscripts) or ["default"]
        unknown = [s for s in task.subsets or [] if s not in known]
        if unknown:
            out[task.name] = ("subsets", f"{task.name} has no subset {unknown[0]!r} "
                                         f"(subsets: {', '.join(known[:30])})")
    return out
