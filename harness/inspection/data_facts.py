"""Facts about a prepared dataset that need no tokenizer: rows and label counts per split,
label names in order, majority share, text lengths, texts shared between train and test."""

from __future__ import annotations

from collections import Counter

import numpy as np

from harness.data.coverage import coverage_warnings
from harness.data.load import LABEL, PAIR, TEXT, column_values

# Warn when the most frequent train label holds more than this share: accuracy alone then
# cannot tell a model from the majority baseline (compare MCC / macro-F1 with it).
MAJORITY_SHARE_WARN = 0.8


def _row_texts(ds) -> list[str]:
    if PAIR in ds.column_names:
        return [f"{a} ||| {b}" for a, b in zip(column_values(ds, TEXT), column_values(ds, PAIR))]
    return column_values(ds, TEXT)


def data_facts(prepared) -> dict:
    """Span tasks (no label column) read their texts through the task's fit_view (QA: question
    ||| context) and have no label counts or majority; their own counts (answers, entities per type)
    come with the task type's facts."""
    names = prepared.label_names
    splits = {split: prepared.task.fit_view(ds) for split, ds in prepared.splits.items()}
    labelled = LABEL in splits["train"].column_names
    per_split = {}
    for split, ds in splits.items():
        counts = Counter(column_values(ds, LABEL)) if labelled else Counter()
        chars = np.asarray([len(t) for t in column_values(ds, TEXT)])
        per_split[split] = {
            **prepared.facts.get(split, {}),  # the task type's own (score range, ...)
            "rows": len(ds),
            "label_counts": {name: counts.get(i, 0) for i, name in enumerate(names)}
            if labelled else {},
            "chars_min": int(chars.min()), "chars_mean": round(float(chars.mean()), 1),
            "chars_p50": float(np.percentile(chars, 50)), "chars_p95": float(np.percentile(chars, 95)),
            "chars_max": int(chars.max()),
        }
    train_counts = per_split["train"]["label_counts"]
    top = max(train_counts, key=train_counts.get) if train_counts else None
    majority_share = train_counts[top] / per_split["train"]["rows"] if top is not None else None
    train_texts = set(_row_texts(splits["train"]))
    test_texts = _row_texts(splits["test"])
    shared = sum(1 for t in test_texts if t in train_texts)
    facts = {
        "task": prepared.task.name,
        "label_names": list(names), "pair": PAIR in splits["train"].column_names,
        "splits": per_split, "majority_label": top,
        "majority_share": round(majority_share, 4) if majority_share is not None else None,
        "test_rows_in_train": shared, "test_rows_in_train_share": round(shared / len(test_texts), 4),
        "train_duplicate_rows": per_split["train"]["rows"] - len(train_texts),
    }
    facts["warnings"] = data_warnings(facts)
    return facts


def data_warnings(facts: dict) -> list[str]:
    out = []
    if facts["majority_share"] is not None and facts["majority_share"] > MAJORITY_SHARE_WARN:
        out.append(f"majority label {facts['majority_label']!r} holds {facts['majority_share']:.1%} "
                   "of train: compare with the majority baseline, use MCC or macro-F1")
    out += coverage_warnings(facts["splits"], facts["label_names"])
    if facts["test_rows_in_train"]:
        out.append(f"{facts['test_rows_in_train']} test rows ({facts['test_rows_in_train_share']:.1%})"
                   " also occur in train: test scores overstate generalisation")
    return out
