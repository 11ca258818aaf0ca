"""Embedding results in reports: an MTEB-leaderboard-like table of the mteb trials (rows models,
columns each task's main score, the mean per task type, the overall mean and the rank), rendered
after the classification leaderboard; and the probe rows' method label for that leaderboard.

mteb trials never appear as classification rows: `classification_records` leaves them out.
"""

from __future__ import annotations

MEAN, RANK = "mean", "rank"


def classification_records(records):
    """Records for the classification leaderboard: no mteb trials; probe rows labelled with their
    pooling and classifier, so each variant is a row of its own beside the fine-tunes."""
    out = []
    for r in records:
        if r.method == "mteb":
            continue
        if r.method == "probe" and r.embedding is not None:
            r = r.model_copy(update={"method": f"probe ({r.embedding.pooling}, "
                                               f"{r.embedding.classifier})"})
        out.append(r)
    return out


def main_score(record) -> float | None:
    facts = record.embedding
    if record.status != "ok" or facts is None:
        return None
    return record.metrics.get(facts.eval_split, {}).get("main_score")


def embeddings_frame(records):
    """One row per model: each task's main score, the mean per task type, the mean over all
    tasks (blank when a task is missing or failed, as on MTEB's leaderboard) and the rank."""
    import pandas as pd

    mteb = [r for r in records if r.method == "mteb"]
    tasks = list(dict.fromkeys(r.dataset_name for r in mteb))
    types = {r.dataset_name: r.embedding.task_type for r in mteb if r.embedding is not None}
    rows = {}
    for r in mteb:
        rows.setdefault(r.model_name or "-", {"model": r.model_name or "-"})[r.dataset_name] = main_score(r)
    frame = pd.DataFrame(list(rows.values()), columns=["model", *tasks]).astype({t: "float64" for t in tasks})
    for task_type in dict.fromkeys(types[t] for t in tasks if t in types):
        members = [t for t in tasks if types.get(t) == task_type]
        frame[f"{MEAN} {task_type}"] = frame[members].mean(axis=1, skipna=False)
    frame[MEAN] = frame[tasks].mean(axis=1, skipna=False)
    frame[RANK] = frame[MEAN].rank(ascending=False, method="min").astype("Int64")
    return frame.sort_values([MEAN, "model"], ascending=[False, True], na_position="last",
                             kind="stable").reset_index(drop=True)


def embeddings_table(records):
    """The embeddings table (None without mteb trials): blank where a task is missing or failed."""
    import math

    from harness.reports.table import DASH, Cell, Table, fmt_number

    if not any(r.method == "mteb" for r in records):
        return None
    frame = embeddings_frame(records)
    table = Table("embeddings", "MTEB tasks: main score (each task's eval split)", list(frame.columns))
    for row in frame.to_dict(orient="records"):
        data = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        data[RANK] = None if data[RANK] is None or str(data[RANK]) == "<NA>" else int(data[RANK])
        table.data.append(data)
        table.rows.append([Cell(data["model"])] + [
            Cell(fmt_number(v) if k != RANK else str(v) if v is not None else DASH, v)
            for k, v in list(data.items())[1:]])
    table.notes.append(f"{MEAN}: over all tasks (per task type: `{MEAN} <type>`), blank when a task "
                       "is missing or failed (—); rank by the overall mean.")
    return table
