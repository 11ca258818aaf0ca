"""Start/end logits of every window → one answer per question, as characters of its context.

Per window, the `n_best_size` highest start and end logits are paired; a pair is a candidate
when both tokens carry context characters (not the question, not a special token), the end is
not before the start, the span is at most `max_answer_length` tokens and crosses no special
token. A candidate scores start + end logit; the best over all windows of a question is its
answer (ties: the earlier window, then the higher-ranked start, then end). The answer text is
the context's own characters between the start token's first and the end token's last
character, so it is exact whatever the tokenizer did to the text (NFKC, [UNK], lower case).
A question whose windows hold no candidate gets the empty answer (scored 0), counted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Answer:
    text: str
    start: int  # character span in the context; -1 when there was no candidate
    end: int
    score: float

    def as_json(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end,
                "score": None if math.isinf(self.score) else round(float(self.score), 6)}


NO_ANSWER = Answer("", -1, -1, -math.inf)


def best_answers(example_ids: Iterable[str], offsets: Iterable, start_logits: Iterable,
                 end_logits: Iterable, contexts: dict[str, str], *, n_best_size: int = 20,
                 max_answer_length: int = 30) -> dict[str, Answer]:
    """{example id: best Answer}, in first-seen order of `example_ids` (one entry per feature
    row; offsets and logits per feature row, each as long as that row)."""
    best: dict[str, Answer] = {}
    for qid, offs, start, end in zip(example_ids, offsets, start_logits, end_logits):
        found = best_in_window(np.asarray(offs, dtype=np.int64).reshape(-1, 2),
                               np.asarray(start, dtype=np.float64),
                               np.asarray(end, dtype=np.float64), contexts[qid],
                               n_best_size, max_answer_length)
        current = best.get(qid, NO_ANSWER)
        if found is not None and found.score > current.score:
            best[qid] = found
        else:
            best.setdefault(qid, NO_ANSWER)
    return best


def best_in_window(offsets: np.ndarray, start: np.ndarray, end: np.ndarray, context: str,
                   n_best_size: int, max_answer_length: int) -> Answer | None:
    n = min(len(offsets), len(start), len(end))
    offsets, start, end = offsets[:n], start[:n], end[:n]
    usable = offsets[:, 0] >= 0
    if not usable.any():
        return None
    blocked = np.concatenate([[0], np.cumsum(~usable)])  # unusable tokens before index i
    starts = [i for i in np.argsort(-start, kind="stable")[:n_best_size] if usable[i]]
    ends = [i for i in np.argsort(-end, kind="stable")[:n_best_size] if usable[i]]
    top, top_score = None, -math.inf
    for s in starts:
        for e in ends:
            if e < s or e - s + 1 > max_answer_length or blocked[e + 1] != blocked[s]:
                continue
            score = float(start[s] + end[e])
            if score > top_score:
                top, top_score = (s, e), score
    if top is None:
        return None
    lo, hi = int(offsets[top[0], 0]), int(offsets[top[1], 1])
    return Answer(context[lo:hi], lo, hi, top_score)
