"""Which files of a hub repo a trial reads.

Models: everything transformers and sentence-transformers load (configs, tokenizer files, module
folders, weights), without other frameworks' weights (TF, Flax, ONNX, ...), and without the
`pytorch_model*.bin` copies where safetensors weights exist. `light=True`: no weights at all
(what validate reads). Datasets: the README (its `configs:` and `dataset_info`), then the data
files of the configs asked for, matched against the README's `data_files` patterns.
"""

from __future__ import annotations

import fnmatch
from pathlib import PurePosixPath

from harness.hub.revisions import HubError

_NOT_LOADED = ("*.h5", "*.msgpack", "*.ot", "*.onnx", "*.onnx_data", "onnx/*", "openvino/*",
               "*.tflite", "coreml/*", "*.mlmodel", "*.mlpackage/*", "*.gguf", "flax_model*",
               "tf_model*", "rust_model*", "*.md", ".gitattributes", "*.png", "*.jpg", "*.jpeg",
               "*.gif", "*.svg", "*.pdf", "*.ipynb", "runs/*", "checkpoint-*/*",
               "training_args.bin", "optimizer.pt", "scheduler.pt", "rng_state*.pth", "*.ckpt")
_WEIGHTS = ("*.safetensors", "*.bin", "*.pt", "*.pth")


def _matches(path: str, patterns) -> bool:
    return any(fnmatch.fnmatch(path, p) for p in patterns)


def model_files(files, *, light: bool = False) -> list[str]:
    kept = [f for f in files if not _matches(f, _NOT_LOADED)]
    if light:
        return [f for f in kept if not _matches(f, _WEIGHTS)]
    has_safetensors = any(f.endswith(".safetensors") for f in kept)
    if has_safetensors:
        kept = [f for f in kept if not (_matches(f, ("*.bin", "*.pt", "*.pth")))]
    return kept


def model_complete(files, *, light: bool = False) -> str | None:
    """What a model snapshot lacks to load (None: nothing): config, tokenizer, weights."""
    present = set(files)
    if "config.json" not in present:
        return "config.json"
    if not present & {"tokenizer_config.json", "tokenizer.json", "vocab.txt"}:
        return "tokenizer files"
    if light:
        return None
    root = {f for f in present if "/" not in f}
    if not root & {"model.safetensors", "pytorch_model.bin", "model.safetensors.index.json",
                   "pytorch_model.bin.index.json"}:
        return "weights (model.safetensors or pytorch_model.bin)"
    return None


def shards(index_text: str) -> set[str]:
    """The weight files a `*.index.json` names."""
    from harness.readable import parse_json

    try:
        return {str(v) for v in parse_json(index_text, dict).get("weight_map", {}).values()}
    except (ValueError, AttributeError):
        return set()


def card_metadata(readme_text: str) -> dict:
    """The YAML front matter of a dataset card (huggingface_hub parses it)."""
    from huggingface_hub.repocard import RepoCard

    try:
        return RepoCard(readme_text).data.to_dict()
    except Exception:  # noqa: BLE001  a malformed card: treat as none (datasets decides)
        return {}


def card_configs(meta: dict) -> dict[str, dict]:
    return {c.get("config_name", "default"): c for c in meta.get("configs") or []
            if isinstance(c, dict)}


def default_config(meta: dict) -> str | None:
    configs = card_configs(meta)
    marked = [name for name, c in configs.items() if c.get("default")]
    if marked:
        return marked[0]
    if "default" in configs or len(configs) == 1:
        return "default" if "default" in configs else next(iter(configs))
    return None


def config_patterns(meta: dict, config: str | None, repo_id: str) -> list[str] | None:
    """Glob patterns of a config's data files; None when the card declares no configs (datasets
    then infers them from the file layout). HubError (field hub.config) for an unknown config."""
    configs = card_configs(meta)
    if not configs:
        return None
    name = config or default_config(meta)
    if name is None:
        raise HubError(f"hub dataset {repo_id} has configs {', '.join(configs)} and no default: "
                       "choose one", field="hub.config")
    if name not in configs:
        raise HubError(f"config {name!r} is not in hub dataset {repo_id} (configs: "
                       f"{', '.join(configs)})", field="hub.config")
    data_files = configs[name].get("data_files")
    if data_files is None:
        return None
    entries = data_files if isinstance(data_files, list) else [data_files]
    patterns: list[str] = []
    for entry in entries:
        paths = entry.get("path") if isinstance(entry, dict) else entry
        patterns += paths if isinstance(paths, list) else [paths]
    return [p.removeprefix("./") for p in patterns if isinstance(p, str)]


def config_splits(meta: dict, config: str | None) -> list[str] | None:
    """Split names the card declares for a config (data_files entries), if any."""
    name = config or default_config(meta)
    data_files = card_configs(meta).get(name or "", {}).get("data_files")
    if isinstance(data_files, list) and all(isinstance(e, dict) and "split" in e for e in data_files):
        return [e["split"] for e in data_files]
    return None


def dataset_files(files, patterns: list[str] | None) -> list[str]:
    """README and the files matching `patterns` (all data-looking files when None)."""
    extra = [f for f in files if f in ("README.md", "dataset_infos.json", ".huggingface.yaml")]
    if patterns is None:
        data = [f for f in files if f not in extra and not f.startswith(".")
                and PurePosixPath(f).suffix not in (".md", ".py")]
    else:
        data = [f for f in files if _matches(f, patterns)]
    return sorted(set(extra) | set(data))
