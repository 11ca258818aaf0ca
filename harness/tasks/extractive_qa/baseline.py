"""The extractive-QA row that learned nothing: the context sentence that shares the most
characters with the question.

The context is cut into sentences after each `。！？!?` and at line breaks (JSQuAD's `title
[SEP] ` prefix is a sentence of its own: it ends at the literal `[SEP]`); each sentence scores
the size of the multiset intersection of its characters with the question's (whitespace
ignored), and the highest score wins (ties: the earlier sentence). The whole sentence, without
surrounding whitespace, is the answer. No training, no model, deterministic: a model that beats
it has learned to locate answers, not just the neighbourhood of the question's words.
"""

from __future__ import annotations

import re
from collections import Counter

from harness.tasks.extractive_qa.postprocess import Answer

_SENTENCE_END = re.compile(r"[。！？!?]+|\n+| \[SEP\] ")


def sentences(context: str) -> list[tuple[int, int]]:
    """Character spans of the context's sentences, whitespace trimmed, empty ones dropped."""
    spans, lo = [], 0
    for m in _SENTENCE_END.finditer(context):
        hi = m.end() if m.group().strip() not in ("", "[SEP]") else m.start()
        spans.append((lo, hi))
        lo = m.end()
    spans.append((lo, len(context)))
    out = []
    for lo, hi in spans:
        while lo < hi and context[lo].isspace():
            lo += 1
        while hi > lo and context[hi - 1].isspace():
            hi -= 1
        if hi > lo:
            out.append((lo, hi))
    return out


def overlap_answer(question: str, context: str) -> Answer:
    asked = Counter(c for c in question if not c.isspace())
    best, best_score = None, -1
    for lo, hi in sentences(context):
        score = sum((asked & Counter(c for c in context[lo:hi] if not c.isspace())).values())
        if score > best_score:
            best, best_score = (lo, hi), score
    if best is None:
        return Answer("", -1, -1, 0.0)
    return Answer(context[best[0]:best[1]], best[0], best[1], float(best_score))
