"""Per-pair scores of an STS or pair-classification trial, so that two trials of one task (torch
and a runtime) can be set against each other by the one rule over the pairs, as retrieval
trials are over their queries (per_query.py).

mteb computes a similarity per pair and keeps only the correlations (STS) or the best
accuracy/F1/AP (pair classification). `mteb.evaluate(prediction_folder=...)` writes each
subset's and split's per-pair similarities (its evaluator's output: cosine, manhattan, euclidean,
the model's own, dot) to `<folder>/<task>_predictions.json`; `save_pairs` adds each pair's gold
(STS scores, pair labels) read from the task's loaded data and writes one harness file per
trial, `<results>/mteb/pairs/<trial_id>.json`. `statistic(task type, main score)` says which
series and function give the main score back from that file (a test recomputes it): STS
`cosine_spearman` is Spearman(gold, cosine similarity), `spearman` the model's own similarity
(cosine when it has none); pair classification `max_ap` is the best average precision over the
similarity functions. Light: no mteb, no torch at import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import numpy as np

PAIR_TYPES = ("STS", "PairClassification")
_SERIES = {"cosine": "cosine_scores", "manhattan": "manhattan_distances",
           "euclidean": "euclidean_distances", "similarity": "similarity_scores",
           "dot": "dot_scores"}
_HIGHER_MORE_SIMILAR = {"cosine_scores": True, "similarity_scores": True, "dot_scores": True,
                        "manhattan_distances": False, "euclidean_distances": False}


def average_precision(labels: np.ndarray, scores: np.ndarray) -> float | None:
    """scikit-learn's average_precision_score (ties grouped as its thresholds group them), in
    one sort: fast enough to run inside a bootstrap. None without a positive."""
    y = np.asarray(labels, dtype=np.float64)
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="mergesort")
    s, y = np.asarray(scores, dtype=np.float64)[order], y[order]
    last = np.r_[np.nonzero(np.diff(s))[0], y.size - 1]  # the last index of each tied group
    tps = np.cumsum(y)[last]
    if not tps.size or tps[-1] == 0:
        return None
    precision = tps / (last + 1)
    recall = tps / tps[-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def _correlation(kind: str) -> Callable:
    from harness.metrics.scores import pearson, spearman

    return spearman if kind == "spearman" else pearson


def statistic(task_type: str, main_score: str) -> tuple[list[str], Callable] | None:
    """(the series the main score reads, fn(gold, {series: array}) -> score), None for a main
    score not recomputed here (pair classification's accuracy or F1 at a tuned threshold)."""
    if task_type == "STS":
        prefix, _, kind = main_score.rpartition("_")
        if kind not in ("spearman", "pearson") or (prefix and prefix not in _SERIES):
            return None
        corr = _correlation(kind)
        if prefix:
            series = _SERIES[prefix]
            return [series], lambda gold, s: corr(gold, s[series])
        # the model's own similarity; mteb falls back to cosine when the model has none
        return (["similarity_scores", "cosine_scores"],
                lambda gold, s: corr(gold, s["similarity_scores"] if "similarity_scores" in s
                                     else s["cosine_scores"]))
    if task_type == "PairClassification":
        prefix, _, kind = main_score.partition("_")
        if kind != "ap":
            return None

        def ap(gold, s, name) -> float | None:
            sign = 1.0 if _HIGHER_MORE_SIMILAR[name] else -1.0
            return average_precision(gold, sign * s[name])

        if prefix == "max":  # mteb: the best over every similarity function it computed
            names = list(_SERIES.values())
            return names, lambda gold, s: max((v for n in names if n in s
                                               if (v := ap(gold, s, n)) is not None), default=None)
        if prefix in _SERIES:
            name = _SERIES[prefix]
            return [name], lambda gold, s: ap(gold, s, name)
    return None


def _split_rows(task, subset: str, split: str):
    """The rows mteb evaluated for (subset, split) (mteb's own lookup and v1 single-row form)."""
    from datasets import Dataset

    data = task.dataset[split] if subset not in task.dataset and subset == "default" \
        else task.dataset[subset][split]
    return Dataset.from_dict(data[0]) if len(data) == 1 and task.metadata.type == \
        "PairClassification" else data


def save_pairs(task, predictions: Path, out: Path, trial_id: str) -> bool:
    """Write `out` from mteb's predictions file and the task's (still loaded) data: per
    (split, subset) the gold and every similarity series. False when mteb wrote none."""
    from harness.store.files import atomic_write_text

    if not predictions.is_file():
        return False
    found = json.loads(predictions.read_text(encoding="utf-8"))
    gold_column = "score" if task.metadata.type == "STS" else task.label_column_name
    views = []
    for subset, splits in found.items():
        if subset == "mteb_model_meta" or not isinstance(splits, dict):
            continue
        for split, series in splits.items():
            gold = [float(v) for v in _split_rows(task, subset, split)[gold_column][:]]
            kept = {k: v for k, v in series.items() if isinstance(v, list) and len(v) == len(gold)}
            views.append({"split": split, "subset": subset, "pairs": len(gold), "gold": gold,
                          "series": kept})
    atomic_write_text(out, json.dumps({"trial_id": trial_id, "task": task.metadata.name,
                                       "task_type": task.metadata.type,
                                       "main_score": task.metadata.main_score, "views": views}))
    return True


def load_view(path: Path, split: str) -> dict | None:
    """The one (subset) view of `split` in a pairs file; None when absent, unreadable, or when
    the split has several subsets (their main score is a mean of per-subset scores)."""
    try:
        views = json.loads(Path(path).read_text(encoding="utf-8")).get("views") or []
    except (OSError, ValueError):
        return None
    mine = [v for v in views if v.get("split") == split]
    return mine[0] if len(mine) == 1 else None


def recompute(view: dict, task_type: str, main_score: str) -> float | None:
    """The main score from a stored view (what mteb reported, up to float rounding)."""
    found = statistic(task_type, main_score)
    if found is None:
        return None
    _, fn = found
    return fn(np.asarray(view["gold"]), {k: np.asarray(v) for k, v in view["series"].items()})
