"""Where the HF hub cache keeps a repo, and what it holds: snapshot folders named by commit,
`refs/<revision>` files holding a commit, offline mode. The layout is huggingface_hub's own
(`<HF_HUB_CACHE>/<models|datasets>--<org>--<name>/{blobs,snapshots/<commit>,refs}`)."""

from __future__ import annotations

import os
import re
from pathlib import Path

COMMIT = re.compile(r"^[0-9a-f]{40}$")
REPO_TYPES = ("model", "dataset")


def is_commit(revision: str | None) -> bool:
    return bool(revision) and COMMIT.match(revision) is not None


def offline() -> bool:
    """HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE) as huggingface_hub read it at import."""
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE)


def hub_cache() -> Path:
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def repo_folder(kind: str, repo_id: str) -> Path:
    return hub_cache() / f"{kind}s--{repo_id.replace('/', '--')}"


def snapshot_folder(kind: str, repo_id: str, commit: str) -> Path:
    return repo_folder(kind, repo_id) / "snapshots" / commit


def cached_ref(kind: str, repo_id: str, revision: str) -> str | None:
    """The commit a revision (branch or tag) pointed to when it was last fetched, if cached."""
    try:
        commit = (repo_folder(kind, repo_id) / "refs" / revision).read_text().strip()
    except OSError:
        return None
    return commit if is_commit(commit) else None


def write_ref(kind: str, repo_id: str, revision: str, commit: str) -> None:
    """Remember revision -> commit as huggingface_hub does, so an offline run resolves it."""
    if is_commit(revision):
        return
    path = repo_folder(kind, repo_id) / "refs" / revision
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text().strip() != commit:
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(commit)
            os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache: offline runs then need a pinned revision


def listing(folder: Path) -> tuple[str, ...] | None:
    """Files (relative posix paths) in a snapshot folder; None when there is no such folder."""
    if not folder.is_dir():
        return None
    return tuple(sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                        if p.is_file()))
