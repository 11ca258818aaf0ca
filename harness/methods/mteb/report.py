"""The mteb table of a report, like MTEB's leaderboard: a row per model, each task's main score,
the mean per task type, the mean over all tasks (blank when a task is missing or failed) and the
rank. mteb trials are never classification rows (harness.methods.mteb.Mteb.row_label)."""

from __future__ import annotations

import math

from harness.methods.base import MethodTable
from harness.store.record import TrialRecord

MEAN, RANK = "mean", "rank"


def main_score(record: TrialRecord) -> float | None:
    facts = record.embedding
    if record.status != "ok" or facts is None:
        return None
    return record.metrics.get(facts.eval_split, {}).get("main_score")


def embeddings_frame(records: list[TrialRecord]):
    """One row per model: each task's main score, the mean per task type, the mean over all
    tasks (blank when a task is missing or failed, as on MTEB's leaderboard) and the rank."""
    import pandas as pd

    tasks = list(dict.fromkeys(r.dataset_name for r in records))
    types = {r.dataset_name: r.embedding.task_type for r in records if r.embedding is not None}
    rows = {}
    for r in records:
        rows.setdefault(r.model_name or "-", {"model": r.model_name or "-"})[r.dataset_name] = main_score(r)
    frame = pd.DataFrame(list(rows.values()), columns=["model", *tasks]).astype({t: "float64" for t in tasks})
    for task_type in dict.fromkeys(types[t] for t in tasks if t in types):
        members = [t for t in tasks if types.get(t) == task_type]
        frame[f"{MEAN} {task_type}"] = frame[members].mean(axis=1, skipna=False)
    frame[MEAN] = frame[tasks].mean(axis=1, skipna=False)
    frame[RANK] = frame[MEAN].rank(ascending=False, method="min").astype("Int64")
    return frame.sort_values([MEAN, "model"], ascending=[False, True], na_position="last",
                             kind="stable").reset_index(drop=True)


def embeddings_table(records: list[TrialRecord]) -> MethodTable | None:
    """The table of the plan's mteb records (None without any): blank where a task is missing
    or failed."""
    if not records:
        return None
    frame = embeddings_frame(records)
    table = MethodTable("embeddings", "MTEB tasks: main score (each task's eval split)",
                        list(frame.columns), [])
    for row in frame.to_dict(orient="records"):
        data = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        data[RANK] = None if data[RANK] is None or str(data[RANK]) == "<NA>" else int(data[RANK])
        table.rows.append(data)
    table.notes.append(f"{MEAN}: over all tasks (per task type: `{MEAN} <type>`), blank when a task "
                       "is missing or failed (—); rank by the overall mean.")
    return table
