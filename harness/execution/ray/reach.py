"""`harness validate SUITE --executor ray [--address A]`: can Ray workers reach the inputs?

- Local data files up to 100 MB are shipped through Ray's object store: reachable anywhere.
- Larger data files and local model dirs (`path:`, `package:`) are not shipped: they must lie on
  a path every node sees. With --address, every alive node is asked (a tiny task pinned to it
  with NodeAffinitySchedulingStrategy) and a node that lacks one is named; without it, the run
  would start a local Ray on this machine, where they are reachable, and a note says so.
- Hub ids resolve on each worker (through its HF cache; share HF_HOME on a shared disk).
Imports Ray only here, never torch.
"""

from __future__ import annotations

import os

from harness.execution.ray.backend import SHIP_LIMIT
from harness.fingerprint import model_dir


def _inputs(loaded):
    """(loc, path, kind, size or None) of every local input of the suite."""
    suite = loaded.suite
    for i, d in enumerate(suite.datasets):
        for split, path in (d.files or {}).items():
            size = os.path.getsize(path) if os.path.isfile(path) else None
            yield ("datasets", i, "files", split), path, "data", size
    for i, method in enumerate(suite.methods):  # a method's own data files (local MTEB tasks)
        for loc, path in _files_in(method.model_dump(mode="json"), ("methods", i)):
            size = os.path.getsize(path) if os.path.isfile(path) else None
            yield loc, path, "data", size
    for i, m in enumerate(suite.models):
        if m.path or m.package:
            yield ("models", i, "path" if m.path else "package"), str(model_dir(m)), "model", None


def _files_in(node, loc: tuple):
    """(loc, path) of every `files:` mapping's entries inside a method entry."""
    if isinstance(node, list):
        for j, item in enumerate(node):
            yield from _files_in(item, (*loc, j))
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "files" and isinstance(value, dict):
                yield from (((*loc, key, split), path) for split, path in value.items()
                            if isinstance(path, str))
            else:
                yield from _files_in(value, (*loc, key))


def _exists_on_nodes(paths: list[str], address: str) -> dict[str, list[str]]:
    """node -> the paths it cannot see."""
    import ray
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    started = not ray.is_initialized()
    if started:
        ray.init(address=address, include_dashboard=False, log_to_driver=False,
                 configure_logging=False)
    try:
        @ray.remote(num_cpus=0)
        def missing(names):
            return [p for p in names if not os.path.exists(p)]

        nodes = [n for n in ray.nodes() if n.get("Alive")]
        refs = {n["NodeManagerAddress"] + f" ({n['NodeID'][:8]})": missing.options(
            scheduling_strategy=NodeAffinitySchedulingStrategy(n["NodeID"], soft=False)).remote(paths)
            for n in nodes}
        return {node: ray.get(ref, timeout=120) for node, ref in refs.items()}
    finally:
        if started:
            ray.shutdown()


def check_reachable(loaded, address: str | None = None) -> tuple[list[str], list]:
    """(notes, errors): a note per input, an error (HarnessError) per unreachable one."""
    notes, errors, on_nodes = [], [], []
    hub = [m.id for m in loaded.suite.models if m.id] + \
        [d.hub.id for d in loaded.suite.datasets if d.hub]
    if hub:
        notes.append(f"hub {', '.join(hub)}: resolved on each worker (point HF_HOME at a shared "
                     "disk so nodes download once; docs/scaling.md)")
    for loc, path, kind, size in _inputs(loaded):
        if kind == "data" and size is not None and size <= SHIP_LIMIT:
            notes.append(f"{kind} {path}: shipped through Ray's object store ({size / 2**20:.1f} MB)")
            continue
        why = f"{size / 2**20:.0f} MB > 100 MB, not shipped" if size else "a model dir, not shipped"
        on_nodes.append((loc, path, why))
    if address is None:
        for _, path, why in on_nodes:
            notes.append(f"{path}: {why}; reachable on a local Ray (this machine); on a cluster it "
                         "must lie on a path every node sees (check with --address)")
        return notes, errors
    missing = _exists_on_nodes([p for _, p, _ in on_nodes], address) if on_nodes else {}
    for loc, path, why in on_nodes:
        lacking = [node for node, paths in missing.items() if path in paths]
        if lacking:
            errors.append(loaded.error(f"not reachable from Ray node(s) {', '.join(lacking)}: "
                                       f"{path} ({why}; put it on a path every node sees)", loc))
        else:
            notes.append(f"{path}: {why}; present on all {len(missing)} node(s)")
    return notes, errors
