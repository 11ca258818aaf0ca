"""Clean up after processes that were killed (kill -9, power loss) in a results dir.

- Temp files of atomic writes (`.<name>~<pid>@<host>~XXXX.tmp`) whose writer is gone: removed.
  A live writer's temp files (a concurrent run) are left alone; untagged or other-host temp files
  older than the claim TTL are removed.
- Run files (`runs/<run_id>.json`) still saying `running` whose process is gone: marked
  `abandoned`, so the run history says which runs never finished.
Records are never touched: a record exists only once complete (temp + fsync + rename).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from harness.readable import read_json
from harness.store.claims import claim_ttl, pid_alive
from harness.store.files import HOST, atomic_write_json

_TAG = re.compile(r"~(\d+)@([A-Za-z0-9.-]+)~[^/]*\.tmp$")


def _writer_gone(path: Path) -> bool:
    match = _TAG.search(path.name)
    if match and match.group(2) == HOST:
        return not pid_alive(int(match.group(1)), None)
    try:
        return time.time() - path.stat().st_mtime > claim_ttl()
    except FileNotFoundError:
        return False


def sweep(root: Path) -> list[str]:
    """Remove orphaned temp files and mark dead runs; returns what was done, one line each."""
    root = Path(root)
    done: list[str] = []
    if not root.is_dir():
        return done
    for sub in ("", "records", "predictions", "runs", "claims"):
        folder = root / sub
        if not folder.is_dir():
            continue
        for path in folder.glob(".*.tmp"):
            if path.is_file() and _writer_gone(path):
                path.unlink(missing_ok=True)
                done.append(f"removed temp file {path.relative_to(root)} of a killed process")
    for path in sorted((root / "runs").glob("*.json")) if (root / "runs").is_dir() else []:
        try:
            info = read_json(path, dict)
        except (ValueError, OSError):  # damaged: `harness doctor` names it
            continue
        if info.get("status") != "running" or info.get("host") != HOST or "pid" not in info:
            continue
        if not pid_alive(int(info["pid"]), info.get("process_started")):
            info["status"] = "abandoned"
            atomic_write_json(path, info)
            done.append(f"marked run {info.get('run_id')} abandoned (its process is gone)")
    return done
