"""Extractive QA: exact match and F1 of predicted answers, the max over a question's gold
answers, under a declared answer normalisation (the `answers` metric family).

- `squad`: the official SQuAD v1.1 evaluation script (evaluate-v1.1.py): lower case, drop
  ASCII punctuation (`string.punctuation`), drop the articles a/an/the, collapse whitespace; F1
  over whitespace tokens. Every gold answer counts.
- `jglue`: JGLUE's fine-tuning patch of transformers' `squad_metrics.py` (the figures of the
  JGLUE paper and README): lower case, keep punctuation, strip trailing `。`, collapse
  whitespace; F1 over *characters*. As in that file, gold answers that normalise to nothing
  are dropped (none left: the gold is ""), and an empty gold or prediction scores F1 1 only
  when both are empty.

Scores are fractions (0-1) like every harness metric; the scripts print 100×. The per-question
scores are kept so reports can show the worst questions and tests can recompute the means.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass

from harness.metrics.row_memo import per_row

NORMALIZATIONS = ("squad", "jglue")
_PUNCTUATION = frozenset(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize_squad(text: str) -> str:
    text = "".join(c for c in text.lower() if c not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def normalize_jglue(text: str) -> str:
    return " ".join(text.lower().rstrip("。").split())


def _f1(pred: list[str], gold: list[str]) -> float:
    same = sum((Counter(pred) & Counter(gold)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(gold)
    return 2 * precision * recall / (precision + recall)


def question_scores(prediction: str, golds: list[str], normalization: str) -> tuple[float, float]:
    """(exact match, F1) of one prediction against its gold answers."""
    if normalization == "squad":
        pred = normalize_squad(prediction)
        pairs = [(pred == normalize_squad(g), _f1(pred.split(), normalize_squad(g).split()))
                 for g in golds]
    elif normalization == "jglue":
        pred = normalize_jglue(prediction)
        kept = [n for n in (normalize_jglue(g) for g in golds) if n] or [""]
        pairs = [(pred == g, _f1(list(pred), list(g)) if pred and g else float(pred == g))
                 for g in kept]
    else:
        raise ValueError(f"unknown answer normalisation {normalization!r}")
    return float(max(em for em, _ in pairs)), max(f1 for _, f1 in pairs)


@dataclass(frozen=True)
class QAScores:
    exact_match: float
    f1: float
    per_question: list[tuple[float, float]]  # (EM, F1) per question, in the given order

    def as_metrics(self) -> dict[str, float]:
        return {"exact_match": self.exact_match, "f1": self.f1}


def score(predictions: list[str], golds: list[list[str]], normalization: str) -> QAScores:
    """Mean EM and F1 over questions (predictions and gold answer lists in the same order)."""
    if len(predictions) != len(golds):
        raise ValueError(f"{len(predictions)} predictions for {len(golds)} questions")
    per = [question_scores(p, g, normalization) for p, g in zip(predictions, golds)]
    n = len(per) or 1
    return QAScores(sum(em for em, _ in per) / n, sum(f1 for _, f1 in per) / n, per)


def detect_normalization(texts: list[str], threshold: float = 0.3) -> tuple[str, str]:
    """(normalisation, why): `jglue` when kana and kanji make up at least `threshold` of the
    non-space characters of `texts` (Japanese data), else `squad`."""
    chars = [c for t in texts for c in t if not c.isspace()]
    japanese = sum(1 for c in chars if _is_japanese(c))
    share = japanese / len(chars) if chars else 0.0
    choice = "jglue" if share >= threshold else "squad"
    return choice, f"{choice} ({share:.0%} of the context characters are kana or kanji)"


def _is_japanese(c: str) -> bool:
    cp = ord(c)
    return (0x3040 <= cp <= 0x30FF or 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF
            or 0xFF66 <= cp <= 0xFF9F)


# The `answers` metric family (harness.metrics.families): fn(y_true, y_pred, ctx) over stored
# predictions. y_true rows: {"answers": [gold texts], "normalization": "jglue" | "squad", ...};
# y_pred rows: {"text": predicted answer, ...} (or the text itself). Per-question scores are
# memoised (row_memo), so a bootstrap's thousand resamples score each question once.
def _question(truth, pred) -> tuple[float, float]:
    text = pred.get("text", "") if isinstance(pred, dict) else str(pred)
    return question_scores(text, list(truth["answers"]), truth["normalization"])


def _pairs(y_true, y_pred) -> list[tuple[float, float]]:
    return per_row("answers", y_true, y_pred, _question)


def exact_match(y_true, y_pred, ctx=None) -> float | None:
    pairs = _pairs(y_true, y_pred)
    return sum(em for em, _ in pairs) / len(pairs) if pairs else None


def f1(y_true, y_pred, ctx=None) -> float | None:
    pairs = _pairs(y_true, y_pred)
    return sum(f for _, f in pairs) / len(pairs) if pairs else None


METRICS = {"exact_match": exact_match, "f1": f1}
DEFAULT = ("f1", "exact_match")  # F1 ranks (EM of a weak model ties at 0); the overview shows EM / F1
RANGES: dict[str, tuple[float, float]] = {"exact_match": (0.0, 1.0), "f1": (0.0, 1.0)}
GREATER_IS_BETTER = {"exact_match": True, "f1": True}
