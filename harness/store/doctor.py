"""`harness doctor DIR`: every file of a results dir read as its readers read it; the damaged
ones listed with what is wrong and how to repair (`--fix` moves them aside).

What is read: each record (JSON of the record schema), the predictions each record names
(.npz with label ids and predictions of one length), plan.json, suite.resolved.yaml, the run
files and their suites, and the claim files. A damaged record or predictions file means its
trial counts as not done (report shows every other result and exits 1); moved aside (with the
record of a damaged predictions file: the trial goes as a whole), the next `harness run`
recomputes it. Nothing is deleted: `--fix` moves files to `DIR/damaged/<time>/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import yaml

from harness.errors import HarnessError
from harness.readable import read_bytes, read_json
from harness.store.damage import DAMAGED_DIR, move_aside
from harness.store.store import ResultsStore, open_results


@dataclass
class Examination:
    store: ResultsStore
    files: int = 0  # files read
    newer: list[str] = field(default_factory=list)  # records of a newer schema (not damaged)

    @property
    def damaged(self) -> dict[str, str]:
        return self.store.damaged

    def trials(self) -> list[str]:
        """Trials whose record or predictions are damaged: recomputed by the next run."""
        return sorted({Path(rel).stem for rel in self.damaged
                       if rel.startswith(("records/", "predictions/"))})


def examine(root: str | Path) -> Examination:
    store = open_results(root)
    exam = Examination(store)
    for path in _files(store.records_dir, "*.json"):
        exam.files += 1
        try:
            record = store.read_record(path.stem)
        except HarnessError as e:  # newer schema version: readable by a newer harness
            exam.newer.append(f"{path.relative_to(store.root)}: {e.message}")
            continue
        if record is None:
            continue
        if record.trial_id != path.stem:
            store.note_damaged(path, f"holds the record of trial {record.trial_id!r}, not of "
                                     "its file name")
        elif record.artifacts.get("predictions"):
            exam.files += 1
            store.predictions_intact(record)
    for name, read in (("plan.json", store.read_plan),
                       ("suite.resolved.yaml", store.read_resolved_suite)):
        if (store.root / name).exists():
            exam.files += 1
            read()
    for path in _files(store.root / "runs", "*.json") + _files(store.root / "claims", "*.claim"):
        exam.files += 1
        try:
            read_json(path, dict)
        except (OSError, ValueError) as e:
            store.note_damaged(path, str(e))
    for path in _files(store.root / "runs", "*.suite.yaml"):
        exam.files += 1
        try:
            doc = yaml.safe_load(read_bytes(path).decode("utf-8"))
            if not isinstance(doc, dict):
                raise ValueError(f"a YAML {type(doc).__name__} where a suite is expected")
        except (OSError, ValueError, yaml.YAMLError) as e:
            store.note_damaged(path, str(e).splitlines()[0][:200])
    return exam


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.glob(pattern) if not p.name.startswith(".")) \
        if folder.is_dir() else []


def suite_of(store: ResultsStore) -> str:
    """The suite file the latest run was started with, for the repair command ('SUITE')."""
    infos = []
    for path in _files(store.root / "runs", "*.json"):
        try:
            infos.append(read_json(path, dict))
        except (OSError, ValueError):
            continue
    latest = max(infos, key=lambda i: str(i.get("started_at", "")), default={})
    return str(latest.get("suite") or "SUITE")


def doctor(root: str | Path, fix: bool = False, echo=print) -> int:
    """Print the examination; with fix, move the damaged files aside. Exit code: 0 nothing
    damaged (or all moved aside), 1 damaged files left in place."""
    exam = examine(root)
    store = exam.store
    for line in exam.newer:
        echo(f"  newer   {line}")
    if not exam.damaged:
        echo(f"harness doctor {root}: {exam.files} files read, nothing damaged")
        return 0
    echo(f"harness doctor {root}: {len(exam.damaged)} damaged of {exam.files} files read")
    for rel, problem in exam.damaged.items():
        echo(f"  damaged {rel}: {problem}")
    trials = exam.trials()
    rerun = (f"`harness run {suite_of(store)} --results-dir {root}` recomputes "
             f"{len(trials)} trial(s)" if trials else "`harness run` writes plan.json and the "
             "resolved suite again")
    if not fix:
        echo(f"repair: `harness doctor {root} --fix` moves them to {root}/{DAMAGED_DIR}/<time>/ "
             f"(nothing is deleted); then {rerun}")
        return 1
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for rel in _to_move(exam):
        target = move_aside(store.root, rel, stamp)
        echo(f"  moved   {rel} -> {target.relative_to(store.root)}")
    echo(f"next: {rerun}")
    return 0


def _to_move(exam: Examination) -> list[str]:
    """The damaged files that exist, and the record of each damaged (or missing) predictions
    file: its trial is then missing as a whole, and a rerun recomputes both."""
    root = exam.store.root
    out = [rel for rel in exam.damaged if (root / rel).exists()]
    for rel in exam.damaged:
        record = f"records/{Path(rel).stem}.json"
        if rel.startswith("predictions/") and record not in out and (root / record).exists():
            out.append(record)
    return out
