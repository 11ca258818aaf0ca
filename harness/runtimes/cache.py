"""Where models kept for runtimes live: <results dir>/.cache/exported/<source key>/<runtime>/
(or under $HARNESS_CACHE, like the tokenized splits).

- `<source key>/torch/`: the model a source trial evaluated, saved by the method right after
  training (a fine-tune keeps it here whenever its model lists a runtime other than torch, even
  with save_model off), or the frozen encoder module as the method wraps it.
- `<source key>/<runtime>/`: that model exported for the runtime, made once (under a file lock:
  two trials of one source never export twice) and reused by every later trial and run.

The source key is the source trial's key (a fine-tune's training key), or for frozen encoders a
key of the model's material and what the method exports (pooling, layer).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

KEPT = "torch"
DONE = ".complete"  # written last: a folder without it is a killed export, made again


def export_root(results_root: Path) -> Path:
    env = os.environ.get("HARNESS_CACHE")
    return (Path(env) if env else Path(results_root) / ".cache") / "exported"


def source_dir(results_root: Path, source_key: str, runtime: str = KEPT) -> Path:
    return export_root(results_root) / source_key / runtime


def complete(folder: Path) -> bool:
    return (folder / DONE).is_file()


def mark_complete(folder: Path) -> None:
    (folder / DONE).write_text("ok\n", encoding="utf-8")


def fresh(folder: Path) -> Path:
    """An empty folder to write into (a killed export's leftovers removed)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def size_mb(folder: Path, pattern: str = "*") -> float:
    """Bytes on disk of the files a runtime loads (the marker left out), in MiB."""
    return sum(p.stat().st_size for p in folder.rglob(pattern)
               if p.is_file() and p.name != DONE) / 2**20
