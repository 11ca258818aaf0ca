"""Why a row's inputs differ between two runs: the model's or the data's revision (hub commit) or
content (local dir or files) changed, read from the records' key material. A row whose model
moved on the hub is then labelled a model revision change, not a code regression."""

from __future__ import annotations


def _fingerprints(group, part: str) -> set[str]:
    out = set()
    for r in group.ok + group.bad:
        material = r.config.get(part) or {}
        fp = material.get("fingerprint") or material.get("data")  # mteb tasks: hub data@commit
        if fp:
            out.add(fp)
    return out


def _what(part: str, before: set[str], after: set[str]) -> str:
    name = "model" if part == "model" else "data"
    old, new = sorted(before), sorted(after)
    if all(f.startswith("hub:") for f in old + new):
        def commit(f):
            return f.rpartition("@")[2][:12]

        return f"{name} revision change ({', '.join(map(commit, old))} → {', '.join(map(commit, new))})"
    return f"{name} content change"


def input_change(base, new) -> str:
    """'model revision change (1a2b… → 3c4d…)', 'data content change', both, or ''."""
    if base is None or new is None:
        return ""
    causes = []
    for part in ("model", "dataset", "task"):
        before, after = _fingerprints(base, part), _fingerprints(new, part)
        if before and after and before != after:
            causes.append(_what(part, before, after))
    return "; ".join(causes)
