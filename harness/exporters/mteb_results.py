"""`harness export mteb RUN_DIR OUT`: every ok mteb trial of a results dir in the layout the MTEB
results repository ingests, written by mteb's own ResultCache:

    OUT/results/<model name, '/' as '__'>/<revision>/<task name>.json
    OUT/results/<model name, '/' as '__'>/<revision>/model_meta.json

A hub model is named by its hub id with the commit it resolved to (the revision in its
fingerprint when no commit was recorded); a local dir keeps the name and revision mteb ran it
under (`harness/<display name>`, a hash of its content and settings). The task JSON is the one
mteb wrote during the trial, read back with `TaskResult.from_disk`, so the scores are mteb's own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError
from harness.readable import read_json
from harness.specs.model import ModelSpec
from harness.store.store import open_results


@dataclass
class Exported:
    model: str
    revision: str
    task: str
    main_score: float
    path: Path


def hub_identity(record, suite: dict) -> tuple[str, str] | None:
    """(hub id, revision) when the record's model is a hub model, else None."""
    for m in suite.get("models", []):
        spec = ModelSpec(**m)
        if spec.display_name == record.model_name and spec.id:
            facts = record.model_facts
            fingerprint = (record.config.get("model") or {}).get("fingerprint", "")
            revision = (facts.resolved_revision if facts else None) or \
                fingerprint.rpartition("@")[2] or spec.revision or "main"
            return spec.id, revision
    return None


def export_mteb(results_dir: str | Path, out: str | Path) -> list[Exported]:
    """Write every ok mteb trial of the latest plan under `out`; what was written."""
    import mteb
    from mteb.results import TaskResult

    root = Path(results_dir)
    store = open_results(root)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise HarnessError("is a file, not a folder", file=str(out))
    plan = store.read_plan()
    suite = store.read_resolved_suite() or {}
    records = store.records([e["trial_id"] for e in plan] if plan is not None else None)
    chosen = [r for r in records if r.status == "ok" and "mteb_result" in r.artifacts]
    if not chosen:
        raise HarnessError("no ok mteb trial here (nothing to export)", file=str(root))
    cache = mteb.ResultCache(cache_path=out)
    written = []
    for record in chosen:
        stored = root / record.artifacts["mteb_result"]
        meta_file = stored.parent / "model_meta.json"
        if not stored.is_file() or not meta_file.is_file():
            raise HarnessError(f"mteb result files of {record.trial_id} are missing",
                               file=str(stored))
        result = TaskResult.from_disk(stored)
        # model_meta.json as mteb wrote it (ModelMeta.to_dict, loader as a string: it does not
        # validate back into a ModelMeta), renamed for a hub model
        try:
            meta = read_json(meta_file, dict)
        except (OSError, ValueError) as e:
            raise HarnessError(f"unreadable mteb model_meta.json of {record.trial_id}: {e}",
                               file=str(meta_file)) from None
        hub = hub_identity(record, suite)
        if hub is not None:
            meta.update(name=hub[0], revision=hub[1])
        cache.save_to_cache(result, meta["name"], meta["revision"])
        path = cache.get_task_result_path(result.task_name, meta["name"], meta["revision"])
        (path.parent / "model_meta.json").write_text(json.dumps(meta, indent=4, default=str),
                                                     encoding="utf-8")
        written.append(Exported(meta["name"], meta["revision"], result.task_name,
                                float(result.get_score()), path))
    return written
