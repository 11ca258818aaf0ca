"""The results dir of one suite.

    <dir>/suite.resolved.yaml      the resolved suite of the latest run (defaults filled, paths absolute)
    <dir>/plan.json                the latest run's trials (key, trial_id); reports read these records
    <dir>/runs/<run_id>.json       one file per run: times, environment, trial outcomes
    <dir>/runs/<run_id>.suite.yaml the resolved suite as that run saw it
    <dir>/records/<trial_id>.json  one TrialRecord per trial (the source of truth)
    <dir>/predictions/<trial_id>.npz  test truth, predictions, class probabilities (row order):
                                   ids (int32) or scores (float32)
    <dir>/predictions/<trial_id>.jsonl  the same for predictions that are no numbers (span tasks'
                                   answers and entities): one {"label", "prediction"} per row
    <dir>/models/<trial_id>/       saved fine-tuned model + tokenizer (when save_model)
    <dir>/leaderboard.md           the latest leaderboard
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import yaml
from pydantic import ValidationError

from harness.errors import HarnessError
from harness.readable import BadJson, parse_json, read_bytes
from harness.store.damage import (
    move_aside,
    plan_problem,
    predictions_problem,
    record_problem,
    suite_problem,
)
from harness.store.files import atomic_write_bytes, atomic_write_json, atomic_write_text, npz_bytes
from harness.store.record import READABLE_VERSIONS, TrialRecord


def _compact(a):
    """Ids as int32, real values as float32 (the precision every metric here reads)."""
    return a.astype("int32") if a.dtype.kind in "iub" else a.astype("float32")


def _plain(value):
    """A prediction cell as JSON: numpy scalars and arrays become Python values."""
    return value.tolist() if hasattr(value, "tolist") else value


class NewerRecord(HarnessError):
    """A record written by a newer harness (schema version): readable there, never overwritten."""


class ResultsStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.records_dir = self.root / "records"
        # Damaged files this store met while reading (path relative to root -> what is wrong):
        # skipped by every reader, named by reports, moved aside by `harness doctor --fix`.
        self.damaged: dict[str, str] = {}
        self.moved: list[tuple[str, Path, str]] = []  # damaged files set aside before a rewrite
        self.newer: dict[str, str] = {}  # records of a newer schema version, not shown (records())

    def note_damaged(self, path: Path, problem: str) -> None:
        self.damaged[self._rel(path)] = problem

    def _rel(self, path: Path) -> str:
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    # records -----------------------------------------------------------------------------
    def record_path(self, trial_id: str) -> Path:
        return self.inside(self.records_dir / f"{trial_id}.json", self.records_dir)

    def write_record(self, record: TrialRecord) -> Path:
        path = self.record_path(record.trial_id)
        self._set_aside_if_damaged(path, lambda: self.read_record(record.trial_id))
        atomic_write_text(path, record.model_dump_json(indent=2) + "\n")
        return path

    def read_record(self, trial_id: str) -> TrialRecord | None:
        """The record; None when there is none, or when it is damaged (then noted in
        `damaged`: the trial counts as not done). A record of a newer schema version than this
        harness reads raises (one line): recomputing it would overwrite a newer result."""
        path = self.record_path(trial_id)
        try:
            data = read_bytes(path)
        except FileNotFoundError:
            return None
        except OSError as e:
            self.note_damaged(path, f"unreadable ({e})")
            return None
        try:
            return TrialRecord.model_validate_json(data)
        except ValidationError as e:
            newer = _newer_version(data)
            if newer is not None:
                raise NewerRecord(f"record of schema version {newer}; this harness reads "
                                  f"versions {', '.join(map(str, READABLE_VERSIONS))} (upgrade "
                                  "harness to use it)", file=str(path)) from None
            self.note_damaged(path, record_problem(data, e))
            return None

    def finished(self, trial_id: str, key: str) -> TrialRecord | None:
        """The ok record of this trial, if one exists with the same key and the predictions it
        names are intact (a trial whose stored predictions are damaged is not done)."""
        record = self.read_record(trial_id)
        if not (record and record.key == key and record.status == "ok"):
            return None
        return record if self.predictions_intact(record) else None

    def records(self, trial_ids: list[str] | None = None) -> list[TrialRecord]:
        """The intact records (of `trial_ids`, else every one in records/); damaged ones are
        skipped and noted in `damaged`, records of a newer schema version in `newer`."""
        if trial_ids is None:
            paths = sorted(self.records_dir.glob("*.json")) if self.records_dir.is_dir() else []
            trial_ids = [p.stem for p in paths]
        out = []
        for trial_id in trial_ids:
            try:
                record = self.read_record(trial_id)
            except NewerRecord as e:
                self.newer[self._rel(Path(e.file))] = e.message
                continue
            if record is not None:
                out.append(record)
        return out

    def predictions_intact(self, record: TrialRecord) -> bool:
        """False (and noted in `damaged`) when the record names a predictions file that is
        missing or cannot be read as its label ids and predictions."""
        rel = record.artifacts.get("predictions")
        if not rel:
            return True
        path = self.root / rel
        problem = predictions_problem(path)
        if problem:
            self.note_damaged(path, problem)
        return problem is None

    def _check_predictions(self, path: Path) -> None:
        problem = predictions_problem(path)
        if problem:
            self.note_damaged(path, problem)

    def read_predictions(self, record: TrialRecord) -> dict | None:
        """The record's stored arrays (label_ids, predictions, [probabilities]) in test row
        order — object arrays for a JSON-lines file (span tasks' answers and entities); None when
        it stored none or they are damaged (noted in `damaged`)."""
        if not record.artifacts.get("predictions") or not self.predictions_intact(record):
            return None
        import numpy as np

        path = self.root / record.artifacts["predictions"]
        if path.suffix == ".jsonl":
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                    if line.strip()]
            y, p = np.empty(len(rows), dtype=object), np.empty(len(rows), dtype=object)
            for i, row in enumerate(rows):
                y[i], p[i] = row["label"], row["prediction"]
            return {"label_ids": y, "predictions": p}
        with np.load(path, allow_pickle=False) as z:
            return {name: z[name] for name in z.files}

    def _set_aside_if_damaged(self, path: Path, read) -> None:
        """Before a file is replaced: a damaged one is moved to damaged/ (never silently
        lost); `moved` lists (what, where to, why)."""
        if not path.exists():
            return
        rel = self._rel(path)
        self.damaged.pop(rel, None)
        read()  # notes it again when it is damaged
        problem = self.damaged.pop(rel, None)
        if problem is not None:
            self.moved.append((rel, move_aside(self.root, rel), problem))

    # artifacts ---------------------------------------------------------------------------
    def write_predictions(self, trial_id: str, label_ids, predictions, probabilities=None) -> str:
        """Test truth and predictions in row order: ids as int32, scores as float32 (npz), other
        values (strings, spans) as JSON lines."""
        import numpy as np

        y, p = np.asarray(label_ids), np.asarray(predictions)
        if y.dtype.kind in "OUS" or p.dtype.kind in "OUS":
            rel = f"predictions/{trial_id}.jsonl"
            lines = "".join(json.dumps({"label": _plain(a), "prediction": _plain(b)},
                                       ensure_ascii=False) + "\n" for a, b in zip(y, p))
            self.write_artifact(rel, lines.encode("utf-8"))
            return rel
        arrays = {"label_ids": _compact(y), "predictions": _compact(p)}
        if probabilities is not None:
            arrays["probabilities"] = np.asarray(probabilities, dtype=np.float32)
        rel = f"predictions/{trial_id}.npz"
        self.write_artifact(rel, npz_bytes(**arrays))
        return rel

    def write_artifact(self, rel: str, data: bytes) -> None:
        """A file of a trial (predictions/...), written atomically; a damaged one it replaces
        is moved to damaged/ first."""
        path = self.inside(self.root / rel)
        if rel.startswith("predictions/"):
            self._set_aside_if_damaged(path, lambda: self._check_predictions(path))
        atomic_write_bytes(path, data)

    def model_dir(self, trial_id: str) -> Path:
        return self.inside(self.root / "models" / trial_id)

    # run metadata --------------------------------------------------------------------------
    def write_plan(self, entries: list[dict]) -> None:
        atomic_write_json(self.root / "plan.json", entries)

    def read_plan(self) -> list[dict] | None:
        """The latest plan's entries; None when absent or damaged (noted in `damaged`)."""
        return self._read_optional("plan.json", lambda text: parse_json(text, list), plan_problem)

    def write_run(self, run_id: str, info: dict, resolved_suite_yaml: str) -> None:
        atomic_write_json(self.root / "runs" / f"{run_id}.json", info)
        atomic_write_text(self.root / "runs" / f"{run_id}.suite.yaml", resolved_suite_yaml)
        atomic_write_text(self.root / "suite.resolved.yaml", resolved_suite_yaml)

    def read_resolved_suite(self) -> dict | None:
        """The resolved suite of the latest run; None when absent or damaged (noted)."""
        return self._read_optional("suite.resolved.yaml", yaml.safe_load, suite_problem)

    def _read_optional(self, name: str, parse, problem_of):
        """The parsed file, None when absent; when damaged also None, noted in `damaged`."""
        path = self.root / name
        try:
            text = read_bytes(path).decode("utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as e:
            self.note_damaged(path, f"unreadable ({e})")
            return None
        try:
            value = parse(text)
        except BadJson as e:
            self.note_damaged(path, str(e))
            return None
        except yaml.YAMLError as e:
            self.note_damaged(path, f"not YAML ({str(e).splitlines()[0][:160]})")
            return None
        problem = problem_of(value)
        if problem:
            self.note_damaged(path, problem)
            return None
        return value

    def writable(self) -> bool:
        """Whether files can be written here now (a probe file is created and removed)."""
        return _can_write(self.root)

    def write_text(self, name: str, text: str) -> Path:
        path = self.inside(self.root / name)
        atomic_write_text(path, text)
        return path

    def inside(self, path: Path, base: Path | None = None) -> Path:
        """Names from suites never escape the results dir (or the given folder of it)."""
        resolved = path.resolve()
        if not resolved.is_relative_to((base or self.root).resolve()):
            raise HarnessError(f"refusing to write outside the results dir: {path}")
        return path


def _newer_version(data: bytes) -> int | None:
    """The schema_version of a record this harness cannot read because it is newer."""
    try:
        doc = parse_json(data, dict)
    except ValueError:
        return None
    version = doc.get("schema_version")
    return version if isinstance(version, int) and version > max(READABLE_VERSIONS) else None


def _can_write(folder: Path) -> bool:
    try:
        fd, probe = tempfile.mkstemp(prefix=".harness-probe-", dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(probe)
    return True


def open_results(path: str | Path, *, write: bool = False) -> ResultsStore:
    """The one way into a results dir: checked before anything is read or written, every
    problem one HarnessError line naming it. write: `harness run` will create and write it
    (it may not exist yet; nothing is created here)."""
    root = Path(path)
    if root.exists():
        if not root.is_dir():
            raise HarnessError(f"is {_kind(root)}, not a results dir (choose another "
                               "--results-dir)", file=str(root))
        if not os.access(root, os.R_OK | os.X_OK):
            raise HarnessError("results dir is not readable (permission denied)", file=str(root))
        if write and not _can_write(root):
            raise HarnessError("results dir is not writable (read-only or permission denied)",
                               file=str(root))
        return ResultsStore(root)
    if not write:
        raise HarnessError("results dir not found", file=str(root))
    parent = root.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise HarnessError(f"cannot create the results dir: {parent} is {_kind(parent)}, not a "
                           "folder", file=str(root))
    if not _can_write(parent):
        raise HarnessError(f"cannot create the results dir: {parent} is not writable",
                           file=str(root))
    return ResultsStore(root)


def _kind(path: Path) -> str:
    from harness.readable import kind

    try:
        return kind(path.stat().st_mode)
    except OSError:
        return "unreadable"
