"""What a trial tells every tracker: its run's name, group and tags, and from its record the
final metrics, settings, key, seed and model revision."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class RunIdentity:
    name: str  # the trial id: one tracker run per trial
    group: str  # the suite run id: runs of one `harness run` belong together
    suite: str
    tags: dict[str, str]  # model, dataset, method, scheduler, seed (those the trial has)


def identity(trial, suite_name: str, run_id: str) -> RunIdentity:
    tags = {"model": trial.model.display_name if trial.model else None,
            "dataset": trial.dataset.name, "method": trial.method, "scheduler": trial.scheduler,
            "seed": None if trial.seed is None else str(trial.seed)}
    return RunIdentity(trial.trial_id, run_id, suite_name,
                       {k: str(v) for k, v in tags.items() if v is not None})


def final_metrics(record) -> dict[str, float]:
    """`<split>/<metric>` -> value, exactly the record's `metrics` (finite values only)."""
    return {f"{split}/{name}": float(value) for split, scores in record.metrics.items()
            for name, value in scores.items()
            if isinstance(value, (int, float)) and math.isfinite(value)}


def revision(record) -> str | None:
    """The model's resolved hub commit when the hub gave one, else its fingerprint (hub
    id@revision or the content hash of a local dir)."""
    facts = record.model_facts
    if facts and facts.resolved_revision:
        return facts.resolved_revision
    return (record.config.get("model") or {}).get("fingerprint")


def trial_facts(record) -> dict[str, str]:
    """The trial's identity as strings: trial id, suite run, key, seed, status, revision."""
    facts = {"trial_id": record.trial_id, "run_id": record.run_id, "suite": record.suite_name,
             "key": record.key, "seed": record.seed, "status": record.status,
             "model_revision": revision(record)}
    return {k: str(v) for k, v in facts.items() if v is not None}


def flat_config(config: dict, prefix: str = "") -> dict[str, str]:
    """The key material flattened to `a.b.c` -> string (lists and scalars as JSON)."""
    out: dict[str, str] = {}
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(flat_config(value, name + "."))
        else:
            out[name] = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return out


def last_step(record) -> int:
    """The last optimizer step the Trainer logged (0 for trials without training)."""
    steps = [e["step"] for e in record.log_history if isinstance(e.get("step"), int)]
    return max(steps, default=0)
