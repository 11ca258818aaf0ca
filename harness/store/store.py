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
from pathlib import Path

import yaml
from pydantic import ValidationError

from harness.errors import HarnessError
from harness.store.files import atomic_write_bytes, atomic_write_json, atomic_write_text, npz_bytes
from harness.store.record import READABLE_VERSIONS, TrialRecord


def _compact(a):
    """Ids as int32, real values as float32 (the precision every metric here reads)."""
    return a.astype("int32") if a.dtype.kind in "iub" else a.astype("float32")


def _plain(value):
    """A prediction cell as JSON: numpy scalars and arrays become Python values."""
    return value.tolist() if hasattr(value, "tolist") else value


class ResultsStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.records_dir = self.root / "records"

    # records -----------------------------------------------------------------------------
    def record_path(self, trial_id: str) -> Path:
        return self.inside(self.records_dir / f"{trial_id}.json", self.records_dir)

    def write_record(self, record: TrialRecord) -> Path:
        path = self.record_path(record.trial_id)
        atomic_write_text(path, record.model_dump_json(indent=2) + "\n")
        return path

    def read_record(self, trial_id: str) -> TrialRecord | None:
        path = self.record_path(trial_id)
        if not path.is_file():
            return None
        try:
            return TrialRecord.model_validate_json(path.read_bytes())
        except ValidationError as e:
            err = e.errors()[0]
            where = ".".join(map(str, err["loc"]))
            raise HarnessError(f"record does not match the record schema (versions "
                               f"{', '.join(map(str, READABLE_VERSIONS))}): "
                               f"{where + ': ' if where else ''}{err['msg']}",
                               file=str(path)) from None

    def finished(self, trial_id: str, key: str) -> TrialRecord | None:
        """The ok record of this trial, if one exists with the same key."""
        record = self.read_record(trial_id)
        return record if record and record.key == key and record.status == "ok" else None

    def records(self, trial_ids: list[str] | None = None) -> list[TrialRecord]:
        if trial_ids is None:
            paths = sorted(self.records_dir.glob("*.json")) if self.records_dir.is_dir() else []
            trial_ids = [p.stem for p in paths]
        return [r for r in (self.read_record(t) for t in trial_ids) if r is not None]

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
            atomic_write_text(self.inside(self.root / rel), lines)
            return rel
        arrays = {"label_ids": _compact(y), "predictions": _compact(p)}
        if probabilities is not None:
            arrays["probabilities"] = np.asarray(probabilities, dtype=np.float32)
        rel = f"predictions/{trial_id}.npz"
        atomic_write_bytes(self.inside(self.root / rel), npz_bytes(**arrays))
        return rel

    def read_predictions(self, rel: str):
        """(truth, predictions) as written by write_predictions; None when the file is absent."""
        import numpy as np

        path = self.root / rel
        if not path.is_file():
            return None
        if path.suffix == ".jsonl":
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                    if line.strip()]
            y, p = np.empty(len(rows), dtype=object), np.empty(len(rows), dtype=object)
            for i, row in enumerate(rows):
                y[i], p[i] = row["label"], row["prediction"]
            return y, p
        with np.load(path) as z:
            return z["label_ids"], z["predictions"]

    def model_dir(self, trial_id: str) -> Path:
        return self.inside(self.root / "models" / trial_id)

    # run metadata --------------------------------------------------------------------------
    def write_plan(self, entries: list[dict]) -> None:
        atomic_write_json(self.root / "plan.json", entries)

    def read_plan(self) -> list[dict] | None:
        return self._read_optional("plan.json", json.loads, "plan")

    def write_run(self, run_id: str, info: dict, resolved_suite_yaml: str) -> None:
        atomic_write_json(self.root / "runs" / f"{run_id}.json", info)
        atomic_write_text(self.root / "runs" / f"{run_id}.suite.yaml", resolved_suite_yaml)
        atomic_write_text(self.root / "suite.resolved.yaml", resolved_suite_yaml)

    def read_resolved_suite(self) -> dict | None:
        return self._read_optional("suite.resolved.yaml", yaml.safe_load, "resolved suite")

    def _read_optional(self, name: str, parse, what: str):
        """The parsed file, None when absent; a one-line error naming it when unreadable."""
        path = self.root / name
        if not path.is_file():
            return None
        try:
            return parse(path.read_text(encoding="utf-8"))
        except (ValueError, yaml.YAMLError, UnicodeDecodeError) as e:
            raise HarnessError(f"unreadable {what}: {e}", file=str(path)) from None

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
