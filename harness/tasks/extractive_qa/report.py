"""Extractive QA's own report view, for the HTML page: the test questions the best row answered
worst (lowest F1 under the dataset's normalisation), with gold and predicted answers and the
context around them."""

from __future__ import annotations

from harness.metrics.answers import question_scores
from harness.tasks.base import ReportRow, TaskTable, best_trained_row

WORST = 20
AROUND = 40  # context characters shown before and after the answers


def excerpt(context: str, spans: list[tuple[int, int]], gold: tuple[int, int]) -> str:
    """The context around the spans, the first gold answer marked 【…】."""
    spans = [s for s in spans if s[0] >= 0]
    lo = max(0, min(s for s, _ in spans) - AROUND)
    hi = min(len(context), max(e for _, e in spans) + AROUND)
    text = context[lo:gold[0]] + "【" + context[gold[0]:gold[1]] + "】" + context[gold[1]:hi]
    return ("…" if lo else "") + text + ("…" if hi < len(context) else "")


def worst_questions(dataset: str, rows: list[ReportRow]) -> TaskTable | None:
    best = best_trained_row(rows)
    if best is None:
        return None
    y, p = best.predictions[0]
    scored = []
    for i, (truth, pred) in enumerate(zip(y, p)):
        em, f1 = question_scores(pred["text"], truth["answers"], truth["normalization"])
        scored.append((f1, em, i))
    scored.sort()
    table = []
    for f1, em, i in [s for s in scored if s[1] < 1][:WORST]:
        truth, pred = y[i], p[i]
        gold = (truth["answer_start"][0], truth["answer_start"][0] + len(truth["answers"][0]))
        table.append({"id": truth["id"], "f1": f1, "exact_match": em,
                      "question": truth["question"], "gold": " | ".join(truth["answers"]),
                      "predicted": pred["text"] or "(none)",
                      "context": excerpt(truth["context"], [gold, (pred["start"], pred["end"])],
                                         gold)})
    wrong = sum(1 for _, em, _ in scored if em < 1)
    return TaskTable(f"worst_questions_{dataset}",
                     f"{dataset}: test questions {best.label} answered worst (first seed)",
                     ["id", "f1", "exact_match", "question", "gold", "predicted", "context"], table,
                     notes=[f"{wrong} of {len(y)} answers are not an exact match "
                            f"({y[0]['normalization']} normalisation); the context is shown "
                            f"{AROUND} characters around the gold and predicted answers, the first "
                            "gold answer marked 【…】"], detail=True)
