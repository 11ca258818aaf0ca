"""Facts read from a model dir's files without importing torch: config.json and the tensor
names in safetensors headers (8-byte little-endian length + JSON; harness.models.integrity)."""

from __future__ import annotations

from pathlib import Path

from harness.errors import HarnessError
from harness.fingerprint import model_dir
from harness.hub import HubError, hub_where, model_snapshot
from harness.models.integrity import safetensors_header
from harness.readable import read_json


def read_config(local: Path) -> dict:
    """config.json as a dict; {} when it is missing or damaged (validate reports that)."""
    try:
        return read_json(Path(local) / "config.json", dict)
    except (OSError, ValueError):
        return {}


def safetensors_headers(local: Path) -> list[dict] | None:
    """The tensors of every safetensors file of the model; None when it has none (e.g. only
    .bin) or one is damaged (validate reports that: harness.models.integrity)."""
    files = sorted(Path(local).glob("*.safetensors"))
    if not files:
        return None
    try:
        return [safetensors_header(file) for file in files]
    except (HarnessError, OSError):
        return None


def tensor_names(local: Path) -> set[str] | None:
    headers = safetensors_headers(local)
    if headers is None:
        return None
    return {name for h in headers for name in h if name != "__metadata__"}


def has_pooler(local: Path) -> bool | None:
    """Whether the weights hold a trained pooler (pooler.dense.*); None when it cannot be told.

    A BERT loaded without them gets a randomly initialised pooler, so its pooler_output would be
    noise: `pooling: pooler` needs these weights.
    """
    names = tensor_names(local)
    if names is None:
        return None
    return any(".pooler." in f".{n}" and n.endswith("weight") for n in names)


def parameter_count(local: Path) -> int | None:
    headers = safetensors_headers(local)
    if headers is None:
        return None
    total = 0
    for h in headers:
        for name, info in h.items():
            if name != "__metadata__":
                n = 1
                for d in info["shape"]:
                    n *= d
                total += n
    return total


def model_facts(local: Path | None, config: dict | None = None) -> dict:
    cfg = config if config is not None else (read_config(local) if local else {})
    return {"model_type": cfg.get("model_type"),
            "parameters": parameter_count(local) if local else None,
            "layers": cfg.get("num_hidden_layers"), "hidden_size": cfg.get("hidden_size"),
            "vocab_size": cfg.get("vocab_size"),
            "max_position_embeddings": cfg.get("max_position_embeddings")}


def hub_model_dir(spec, for_run: bool = False) -> tuple[Path | None, str]:
    """(folder holding the hub model's configs and tokenizer files at its resolved commit, where
    from); (None, why) when that cannot be checked here (offline and not cached). Other hub
    problems (no such repo or revision) raise harness.hub.HubError."""
    try:
        snap = model_snapshot(spec.id, spec.revision, light=True)  # memoised per commit
    except HubError as e:
        if e.unavailable and not for_run:
            return None, e.message
        raise
    return snap.folder, hub_where(snap.resolved)


def local_files(spec) -> Path | None:
    """The model's files on this machine (its dir, or its configs and tokenizer at its hub
    commit, downloaded when the hub answers); None when they cannot be had or the spec is bad
    (the model check reports that)."""
    try:
        local = model_dir(spec)
        if local is None:
            local, _ = hub_model_dir(spec)
    except HarnessError:  # HubError too
        return None
    return local if local is not None and local.is_dir() else None
