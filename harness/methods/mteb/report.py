"""The mteb tables of a report. Like MTEB's leaderboard: a row per model, each task's main score
(retrieval nDCG@10, reranking MAP@1000, ... as mteb defines them), the mean per task type, the
mean of those type means, the mean over all tasks (blank when a task is missing or failed) and
the rank. Then, for retrieval and reranking tasks, a per-query view (HTML page and JSON): the
worst queries of the best model on each task, with a gold passage and what it retrieved first.
mteb trials are never classification rows (harness.methods.mteb.Mteb.row_label)."""

from __future__ import annotations

import math
from pathlib import Path

from harness.methods.base import MethodTable
from harness.readable import read_json
from harness.store.record import TrialRecord

MEAN, RANK, TYPE_MEAN = "mean", "rank", "mean (task type)"
SEARCH_TYPES = ("Retrieval", "Reranking")


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
        name = (r.model_name or "-") + (f" [{r.runtime.name}]" if r.runtime else "")  # own row
        rows.setdefault(name, {"model": name})[r.dataset_name] = main_score(r)
    frame = pd.DataFrame(list(rows.values()), columns=["model", *tasks]).astype({t: "float64" for t in tasks})
    type_means = []
    for task_type in dict.fromkeys(types[t] for t in tasks if t in types):
        members = [t for t in tasks if types.get(t) == task_type]
        frame[f"{MEAN} {task_type}"] = frame[members].mean(axis=1, skipna=False)
        type_means.append(f"{MEAN} {task_type}")
    frame[TYPE_MEAN] = frame[type_means].mean(axis=1, skipna=False)
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
    table.notes.append(f"{MEAN}: over all tasks (per task type: `{MEAN} <type>`; `{TYPE_MEAN}`: the "
                       "mean of those, as MTEB's Mean (TaskType)), blank when a task is missing or "
                       "failed (—); rank by the overall mean.")
    names = {}
    for r in records:
        if r.embedding is not None:
            names.setdefault(r.embedding.main_score_name, []).append(r.dataset_name)
    table.notes.append("main scores: " + "; ".join(
        f"{name} ({', '.join(dict.fromkeys(tasks))})" for name, tasks in names.items()))
    approximate = sorted({f"{r.model_name} × {r.dataset_name} ({e['search']})" for r in records
                          for e in r.log_history if str(e.get("search", "")).startswith("faiss")})
    if approximate:
        table.notes.append("searched through FAISS (approximate unless the index is Flat): "
                           + "; ".join(approximate))
    return table


def worst_queries_table(records: list[TrialRecord], root: Path) -> MethodTable | None:
    """Per retrieval or reranking task, the worst queries of the model with the best main
    score on it (the trial's mteb/queries/<trial>.json): the query, its score, a gold passage,
    the passage retrieved first and the rank of the first relevant one."""
    best: dict[str, TrialRecord] = {}
    for r in records:
        score = main_score(r)
        if score is None or r.embedding.task_type not in SEARCH_TYPES or "queries" not in r.artifacts:
            continue
        held = best.get(r.dataset_name)
        if held is None or (score, held.model_name or "") > (main_score(held), r.model_name or ""):
            best[r.dataset_name] = r
    columns = ["task", "model", "query", "score", "gold passage", "retrieved first",
               "first relevant rank"]
    table = MethodTable("worst_queries", "Worst queries of the best model per retrieval or "
                        "reranking task", columns, [], detail=True)
    for task, r in best.items():
        try:
            doc = read_json(Path(root) / r.artifacts["queries"], dict)
            views = [v for v in doc["views"] if isinstance(v, dict)]
        except (OSError, ValueError, KeyError, TypeError):
            table.notes.append(f"{task}: per-query file {r.artifacts['queries']} not readable")
            continue
        for view in views:
            if view["split"] != r.embedding.eval_split:
                continue
            subset = "" if view["subset"] == "default" else f" [{view['subset']}]"
            for q in view["worst"]:
                first = q["retrieved"][0] if q["retrieved"] else None
                table.rows.append({
                    "task": task + subset, "model": r.model_name, "query": q["query"],
                    "score": q["score"], "gold passage": q["gold"][0]["text"] if q["gold"] else None,
                    "retrieved first": (f"{first['text']} ({first['score']:.3f}"
                                        f"{', relevant' if first['relevant'] else ''})"
                                        if first else None),
                    "first relevant rank": q["first_relevant_rank"]})
            table.notes.append(f"{task}{subset}: {r.model_name}, {view['score_name']} per query "
                               f"over {view['queries']} queries; worst {len(view['worst'])} shown")
    if not table.rows:
        return None
    table.notes.append("first relevant rank: — when no relevant passage is among the hits mteb "
                       "keeps (top 1,000).")
    return table
