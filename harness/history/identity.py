"""A run's identity, written into runs/<run_id>.json: what code, packages and device ran it, and
per trial the model revision and data fingerprint its key was built from."""

from __future__ import annotations

import os
import sys

from harness import __version__
from harness.env import RECORD_PACKAGES, git_dirty, git_sha
from harness.fingerprint import package_versions

CODE_STAMP_ENV = "HARNESS_CODE_STAMP"  # an extra code-version label (CI build number, tag)


def run_identity(suite, trials) -> dict:
    per_trial = {}
    for t in trials:
        material = t.key_material
        task = material.get("task") or {}
        per_trial[t.trial_id] = {
            "key": t.key,
            "model_revision": (material.get("model") or {}).get("fingerprint"),
            "data_fingerprint": (material.get("dataset") or {}).get("fingerprint")
            or task.get("data") or task.get("fingerprint")}
    return {"suite_name": suite.name, "harness": __version__, "git_sha": git_sha(),
            "git_dirty": git_dirty(), "code_stamp": os.environ.get(CODE_STAMP_ENV),
            "python": sys.version.split()[0], "packages": package_versions(RECORD_PACKAGES),
            "trial_identity": per_trial}


def hub_identity(wall_s: float) -> dict:
    """Each hub revision the run resolved (as asked -> commit, and where from), and the time the
    run spent waiting for the hub (look-ups and downloads) against its wall time."""
    from harness.hub import STATS, resolved_items

    items: dict[tuple, dict] = {}
    for r in resolved_items():  # a commit looked up again by itself adds nothing
        key = (r.kind, r.repo_id, r.commit)
        if key not in items or items[key]["revision"] == r.commit:
            items[key] = {"kind": r.kind, "id": r.repo_id, "revision": r.revision,
                          "commit": r.commit, "source": r.source}
    return {"hub_revisions": list(items.values()),
            "hub": {"seconds": round(STATS.seconds, 3), "lookups": STATS.lookups,
                    "downloads": STATS.downloads, "downloaded_bytes": STATS.downloaded_bytes,
                    "share_of_wall": round(STATS.seconds / wall_s, 4) if wall_s > 0 else None,
                    "notes": list(STATS.notes)}}


def device_identity() -> dict:
    """The device, once the executor has imported torch (never imports it itself)."""
    if "torch" not in sys.modules:
        return {}
    from harness.env import device_facts

    device, name = device_facts()
    return {"device": device, "device_name": name}


def resolved_revisions(store, trial_ids) -> dict[str, str]:
    """Hub commit shas the trials resolved (trial_id -> sha), read from their records."""
    out = {}
    for trial_id in trial_ids:
        try:
            record = store.read_record(trial_id)
        except Exception:  # noqa: BLE001  a corrupt record is reported by the report, not here
            continue
        if record and record.model_facts and record.model_facts.resolved_revision:
            out[trial_id] = record.model_facts.resolved_revision
    return out


def reused_ids(store, outcomes: dict[str, str]) -> list[str]:
    """Trials skipped because a record copied from an earlier run (reused_from) was there."""
    out = []
    for trial_id, outcome in outcomes.items():
        if outcome != "skipped":
            continue
        try:
            record = store.read_record(trial_id)
        except Exception:  # noqa: BLE001
            continue
        if record and record.reused_from:
            out.append(trial_id)
    return out
