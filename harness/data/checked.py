"""What `validate` learnt about a local dataset, remembered until the dataset can differ.

Checking a dataset means preparing it (load the files with datasets, cast the labels, carve the
splits): `import datasets` alone takes 0.9 s here, so a validate of an unchanged suite would always
miss the 1 s target. A dataset that passed the check leaves a small JSON summary (labels and rows
per split) under `<HARNESS_CACHE or ~/.cache/harness>/checked/`, keyed by everything the answer
depends on: the dataset's spec, the sha256 of each of its files' contents, and the source of the
harness code that prepares it (`harness/data/*.py`, for local MTEB tasks also their loader) with
the harness version. Local MTEB task files are remembered the same way. Any change to one of
them is a miss, and a miss (or a failed check, which is never remembered) prepares for real.
`harness run` does not rely on it: its trials prepare the data they train on.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from harness.readable import read_json


def memo_dir() -> Path:
    env = os.environ.get("HARNESS_CACHE")
    if env:
        return Path(env) / "checked"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "harness" / "checked"


PREPARING_CODE = tuple(sorted((Path(__file__).resolve().parent).glob("*.py")))  # data/*.py


def _code_digest(code: tuple[Path, ...]) -> str:
    from harness import __version__

    h = hashlib.sha256(__version__.encode())
    for source in code:
        h.update(source.name.encode() + b"\0" + source.read_bytes())
    return h.hexdigest()


def memo_key(kind: str, spec, files: dict[str, str],
             code: tuple[Path, ...] = PREPARING_CODE) -> str | None:
    """None where a file cannot be read (the real check says why)."""
    from harness.fingerprint import file_digest

    try:
        digests = {split: file_digest(path) for split, path in files.items()}
    except OSError:
        return None
    material = [kind, spec.model_dump(mode="json"), digests, _code_digest(code)]
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def remembered(kind: str, spec, files: dict[str, str], check,
               code: tuple[Path, ...] = PREPARING_CODE) -> tuple[dict, bool]:
    """(summary, remembered): `check()`'s JSON-ready summary of the data described by `spec`
    and its `files`, from the memo when the same spec, file contents and code passed before.
    Whatever `check()` raises (a DataError for bad data) passes through and is not remembered.
    `code`: the source files whose change must invalidate the memo."""
    key = memo_key(kind, spec, files, code)
    path = memo_dir() / f"{key}.json" if key else None
    if path is not None:
        try:
            return read_json(path, dict), True
        except (OSError, ValueError):
            pass  # not checked before (or an unreadable entry): check for real
    summary = check()
    if path is not None:
        _write_atomic(path, json.dumps(summary, ensure_ascii=False))
    return summary, False


def _write_atomic(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache only costs the next validate its speed
