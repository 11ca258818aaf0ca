"""Validate-time checks of the embedding methods against models and data, without torch:

- probe `pooling: pooler` needs trained pooler weights (read from safetensors headers; a model
  loaded without them gets a random pooler), `layer` must exist (config.json num_hidden_layers);
- local mteb tasks: files, columns, labels/scores, read with `datasets` as a trial reads them;
- named mteb tasks must be in mteb's task registry. That needs `import mteb` (which imports
  torch, a few seconds), so validate imports it only for suites that name MTEB tasks.
"""

from __future__ import annotations

from harness.data.load import DataError
from harness.embeddings.model_files import has_pooler, read_config
from harness.errors import HarnessError
from harness.plan.fingerprint import model_dir


def check_embeddings(loaded, finding) -> tuple[list, list[HarnessError]]:
    """(findings, errors) for the suite's probe and mteb methods; `finding` builds a Finding."""
    findings, errors = [], []
    for j, method in enumerate(loaded.suite.methods):
        if method.type == "probe":
            _check_probe(loaded, j, method, findings, errors, finding)
        elif method.type == "mteb":
            _check_mteb(loaded, j, method, findings, errors, finding)
    return findings, errors


def _local_dir(spec):
    try:
        local = model_dir(spec)
    except HarnessError:
        return None  # reported by the model check
    if local is None:
        from harness.hub import HubError
        from harness.suite.checks import hub_model_dir

        try:
            local, _ = hub_model_dir(spec)  # configs and tokenizer at its commit (memoised)
        except HubError:
            return None  # reported by the model check
    return local if local is not None and local.is_dir() else None


def _check_probe(loaded, j, method, findings, errors, finding):
    for spec in loaded.suite.models:
        local = _local_dir(spec)
        item = f"probe {spec.display_name}"
        if local is None:
            findings.append(finding(item, "not checked", "model files not local: pooler and layer "
                                                         "are checked when the trial runs"))
            continue
        layers = read_config(local).get("num_hidden_layers")
        if isinstance(layers, int) and not -(layers + 1) <= method.layer <= layers:
            errors.append(loaded.error(
                f"layer {method.layer} does not exist in {spec.display_name} ({layers} layers: "
                f"hidden_states index {-(layers + 1)}..{layers})", ("methods", j, "layer")))
        if "pooler" in method.pooling:
            pooler = has_pooler(local)
            if pooler is False:
                errors.append(loaded.error(
                    f"model {spec.display_name} has no trained pooler weights (no pooler.dense.* "
                    "in its safetensors): its pooler_output would be random; use cls or mean",
                    ("methods", j, "pooling", method.pooling.index("pooler"))))
            elif pooler is None:
                findings.append(finding(item, "not checked", "no safetensors weights: the pooler "
                                                             "is checked when the trial loads it"))


def _check_mteb(loaded, j, method, findings, errors, finding):
    from harness.data.checked import checked_local_task

    named = [(k, t) for k, t in enumerate(method.tasks) if not t.local]
    if named:
        unknown = _unknown_task_names([t.name for _, t in named])
        for k, task in named:
            if task.name in unknown:
                errors.append(loaded.error(unknown[task.name], ("methods", j, "tasks", k, "name")))
            else:
                findings.append(_named_task_data(loaded, j, k, task, errors, finding))
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
        findings.append(finding(f"mteb task {task.name}", "ok", f"local {task.type}; {sizes}"))


def _named_task_data(loaded, j, k, task, errors, finding):
    """Where the data of a task in mteb's registry is: the hub dataset at the commit mteb pins,
    in the HF cache or on the hub (asked once); not checked when neither can be asked."""
    from harness.embeddings.mteb_tasks import named_task_data
    from harness.hub import HubError, resolve

    path, revision, _ = named_task_data(task.name)
    item = f"mteb task {task.name}"
    try:
        res = resolve("dataset", path, revision)
    except HubError as e:
        if not e.unavailable:
            errors.append(loaded.error(f"its data: {e.message}", ("methods", j, "tasks", k, "name")))
        return finding(item, "not checked", f"in mteb's registry; data: {e.message}")
    where = "in the HF cache" if res.source == "HF cache" else "on the hub"
    return finding(item, "ok", f"in mteb's registry; data {path}@{res.commit[:12]} (pinned by "
                               f"mteb) {where}")


def _unknown_task_names(names: list[str]) -> dict[str, str]:
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
