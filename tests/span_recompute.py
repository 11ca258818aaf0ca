"""A span-task record's test scores recomputed from its stored predictions alone, by code that is
not harness's: EM / F1 by the transcribed SQuAD v1.1 script and JGLUE's patch
(qa_reference_metrics.py), entity precision / recall / F1 by seqeval (strict IOB2) over
character tags. The slow tests use it on tiny runs; on a finished run:

    python tests/span_recompute.py RESULTS_DIR

prints, per QA / NER record, the recomputed scores beside the record's and whether they agree
(to 1e-12).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from qa_reference_metrics import REFERENCES  # noqa: E402


def qa_scores(y, p, normalization: str) -> dict:
    """{"exact_match", "f1"} as fractions, from stored truth and answers."""
    golds = {t["id"]: t["answers"] for t in y}
    preds = {t["id"]: a["text"] for t, a in zip(y, p)}
    ref = REFERENCES[normalization].evaluate(golds, preds)
    return {"exact_match": ref["exact_match"] / 100, "f1": ref["f1"] / 100}


def ner_scores(y, p) -> dict:
    """{"entity_precision", "entity_recall", "entity_f1"} by seqeval over character tags."""
    from seqeval.metrics import f1_score, precision_score, recall_score
    from seqeval.scheme import IOB2

    def tags(text: str, entities) -> list[str]:
        out = ["O"] * len(text)
        for e in entities:
            out[e["start"]] = f"B-{e['type']}"
            out[e["start"] + 1:e["end"]] = [f"I-{e['type']}"] * (e["end"] - e["start"] - 1)
        return out

    y_true = [tags(t["text"], t["entities"]) for t in y]
    y_pred = [tags(t["text"], list(e)) for t, e in zip(y, p)]
    kw = {"mode": "strict", "scheme": IOB2}
    return {"entity_precision": precision_score(y_true, y_pred, **kw),
            "entity_recall": recall_score(y_true, y_pred, **kw),
            "entity_f1": f1_score(y_true, y_pred, **kw)}


def recomputed(store, record) -> dict | None:
    """The record's test scores from its stored predictions (None for other task types)."""
    arrays = store.read_predictions(record)
    if arrays is None:
        return None
    y, p = arrays["label_ids"], arrays["predictions"]
    if record.task_type == "extractive_qa":
        return qa_scores(y, p, y[0]["normalization"])
    if record.task_type == "token_classification":
        return ner_scores(y, p)
    return None


def main(argv: list[str]) -> int:
    from harness.store.store import ResultsStore

    store = ResultsStore(argv[0])
    agree = True
    for record in store.records():
        again = recomputed(store, record) if "predictions" in record.artifacts else None
        if again is None:
            continue
        stored = record.metrics["test"]
        same = all(abs(again[k] - stored[k]) <= 1e-12 for k in again)
        agree &= same
        print(f"{record.trial_id}: " + ", ".join(
            f"{k} {again[k]:.6f} (record {stored[k]:.6f})" for k in again) + f" -> agree: {same}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
