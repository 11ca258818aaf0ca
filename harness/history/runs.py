"""The run dirs under a history ROOT, oldest first, and their records read tolerantly.

A run dir is a results dir (harness.store.store) with at least one runs/<run_id>.json. Its
identity is its latest run file. A record that cannot be read is skipped with a warning naming
the file; the JSON records stay the only source of truth (nothing is indexed)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError
from harness.readable import read_json
from harness.store.record import TrialRecord
from harness.store.store import ResultsStore


@dataclass
class RunDir:
    path: Path
    name: str  # relative to ROOT
    info: dict  # its latest runs/<run_id>.json

    @property
    def started(self) -> str:
        return self.info.get("started_at", "")

    @property
    def successful(self) -> bool:
        return self.info.get("status") == "done"

    @property
    def suite_name(self) -> str | None:
        return self.info.get("suite_name") or suite_name_of(self.path)


def suite_name_of(path: Path) -> str | None:
    try:
        return (ResultsStore(path).read_resolved_suite() or {}).get("name")
    except HarnessError:
        return None


def latest_run_info(path: Path, warn=None) -> dict | None:
    infos = []
    for file in sorted((path / "runs").glob("*.json")) if (path / "runs").is_dir() else []:
        try:
            infos.append(read_json(file, dict))
        except (OSError, ValueError) as e:
            if warn:
                warn(f"skipped unreadable run file {file}: {e}")
    infos = [i for i in infos if isinstance(i, dict)]
    return max(infos, key=lambda i: str(i.get("started_at", ""))) if infos else None


def run_dirs(root: str | Path, warn=None) -> list[RunDir]:
    """Every run dir directly below ROOT (or ROOT itself when it is one), oldest first."""
    root = Path(root)
    if not root.is_dir():
        raise HarnessError("history root not found", file=str(root))
    candidates = [root] + sorted(p for p in root.iterdir() if p.is_dir())
    found = []
    for path in candidates:
        info = latest_run_info(path, warn)
        if info is not None:
            found.append(RunDir(path, path.relative_to(root).as_posix() or ".", info))
    return sorted(found, key=lambda d: (d.started, d.name))


def run_records(run: RunDir, warn) -> list[TrialRecord]:
    """The records of the run dir's latest plan (all records without a plan); unreadable ones
    are skipped with a warning that names the file."""
    store = ResultsStore(run.path)
    plan = store.read_plan()
    if plan is not None:
        ids = [e["trial_id"] for e in plan]
    elif store.records_dir.is_dir():
        ids = [p.stem for p in sorted(store.records_dir.glob("*.json"))]
    else:
        ids = []
    out = []
    for trial_id in ids:
        try:
            record = store.read_record(trial_id)
        except HarnessError as e:  # a record of a newer schema version
            warn(f"skipped record {e}")
            continue
        if record is not None:
            out.append(record)
    for rel, problem in store.damaged.items():
        warn(f"skipped corrupt {_what(rel)} {store.root / rel}: {problem}")
    return out


def _what(rel: str) -> str:
    return {"records": "record", "predictions": "predictions"}.get(rel.split("/")[0], "file")


def resolved_suite(path: Path) -> dict | None:
    try:
        return ResultsStore(path).read_resolved_suite()
    except HarnessError:
        return None
