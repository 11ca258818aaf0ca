"""What a damaged file in a results dir looks like, and where it goes.

A record, a predictions file, plan.json or suite.resolved.yaml can be cut short (a full disk, a
copy interrupted), emptied or overwritten by hand. Each reader of the store asks here whether
what it read is intact; a damaged file is then named and skipped (the store keeps the list,
`ResultsStore.damaged`), its trial counts as not done, and `harness doctor DIR --fix` (or a
rerun that recomputes the trial) moves it aside into `DIR/damaged/<time>/` instead of deleting
it. Records are only ever written whole (temp file, fsync, rename), so a damaged file never
comes from an interrupted harness write.
"""

from __future__ import annotations

import os
import zipfile
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from harness.readable import regular_file

DAMAGED_DIR = "damaged"


def record_problem(data: bytes, e: ValidationError) -> str:
    """One line: why bytes that should be a TrialRecord are not one."""
    if not data.strip():
        return "empty file (0 bytes of JSON)" if not data else "empty file (only whitespace)"
    err = e.errors()[0]
    if err["type"] == "json_invalid":
        reason = str(err.get("ctx", {}).get("error") or err["msg"]).removeprefix("Invalid JSON: ")
        what = "truncated JSON" if "EOF" in reason else "not valid JSON"
        return f"{what} ({reason})"
    if err["type"] == "model_type":
        return f"a JSON {type(err.get('input')).__name__} where a record (a JSON object) is expected"
    where = ".".join(map(str, err["loc"]))
    return f"does not match the record schema: {where + ': ' if where else ''}{err['msg']}"


def predictions_problem(path: Path) -> str | None:
    """Why a predictions .npz is not what a report or a metric backfill reads, or None."""
    try:
        st = regular_file(path)
    except FileNotFoundError:
        return "missing (its record names it)"
    except OSError as e:
        return f"unreadable ({e})"
    if path.suffix == ".jsonl":
        return _jsonl_problem(str(path), st.st_size, st.st_mtime_ns)
    return _npz_problem(str(path), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=1024)
def _jsonl_problem(path: str, size: int, mtime_ns: int) -> str | None:
    """JSON-lines predictions (span tasks): one {"label", "prediction"} object per line."""
    import json

    try:
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as e:
            return f"line {n}: not valid JSON ({str(e).splitlines()[0][:120]})"
        if not isinstance(row, dict) or "label" not in row or "prediction" not in row:
            return f"line {n}: not a {{label, prediction}} object"
    if not text.endswith("\n"):
        return "truncated (the last line has no line end)"
    return None


@lru_cache(maxsize=1024)
def _npz_problem(path: str, size: int, mtime_ns: int) -> str | None:
    import numpy as np

    if not zipfile.is_zipfile(path):
        return "not a .npz archive (no zip directory: truncated or overwritten)"
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {name: z[name] for name in z.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as e:
        reason = str(e).strip().splitlines()[0][:160] if str(e).strip() else type(e).__name__
        return f"not a readable .npz archive ({reason})"
    missing = [k for k in ("label_ids", "predictions") if k not in arrays]
    if missing:
        return f"has no {' or '.join(missing)} array"
    labels, preds = arrays["label_ids"], arrays["predictions"]
    if labels.ndim != 1 or preds.shape != labels.shape:
        return f"label_ids {labels.shape} and predictions {preds.shape} do not match"
    probs = arrays.get("probabilities")
    if probs is not None and (probs.ndim != 2 or probs.shape[0] != labels.shape[0]):
        return f"probabilities {probs.shape} do not match {labels.shape[0]} rows"
    return None


def plan_problem(plan) -> str | None:
    """plan.json is a list of {trial_id, key, ...} objects."""
    if not isinstance(plan, list):
        return f"a JSON {type(plan).__name__} where a list of trials is expected"
    for i, entry in enumerate(plan):
        if not (isinstance(entry, dict) and isinstance(entry.get("trial_id"), str)
                and isinstance(entry.get("key"), str)):
            return f"entry {i} is not a trial (trial_id and key)"
    return None


def suite_problem(suite) -> str | None:
    """suite.resolved.yaml is the mapping a run wrote: a name and its metrics by name."""
    if not isinstance(suite, dict):
        return f"a YAML {type(suite).__name__} where the resolved suite (a mapping) is expected"
    metrics = suite.get("metrics")
    if not isinstance(suite.get("name"), str) or not isinstance(metrics, list) or not metrics \
            or not all(isinstance(m, dict) and isinstance(m.get("name"), str) for m in metrics):
        return "not a resolved suite (no name, or no metrics by name)"
    return None


def move_aside(root: Path, rel: str, stamp: str | None = None) -> Path:
    """Move root/rel to root/damaged/<stamp>/rel (kept, never deleted); the new path."""
    stamp = stamp or datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = Path(root) / DAMAGED_DIR / stamp / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():  # moved twice in one second: keep both
        target = target.with_name(f"{target.name}.{os.getpid()}-{os.urandom(2).hex()}")
    os.replace(Path(root) / rel, target)
    return target
