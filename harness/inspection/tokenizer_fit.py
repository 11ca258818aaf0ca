"""How well a tokenizer fits a dataset: tokens per row, truncation at max_length, [UNK] rate,
and one example row as the tokenizer sees it (`convert_ids_to_tokens`).

Rows are tokenized without truncation (so lengths past max_length are counted): a fast tokenizer
in one call on the column; a slow (pure-Python) tokenizer such as the MeCab-based
BertJapaneseTokenizer through batched `datasets.map` with `num_proc` processes. At most MAX_ROWS_PER_SPLIT rows per split are read (a seeded sample beyond
that; the facts say so).
"""

from __future__ import annotations

import os

import numpy as np

from harness.data.load import CHOICES, PAIR, TEXT, column_values

# Warn when more than this share of (non-special) tokens is [UNK]: an English vocab on
# Japanese text maps whole characters to [UNK]; a fitting tokenizer stays far below 1 %.
UNK_RATE_WARN = 0.01
# Warn when more than this share of rows is cut at max_length: the model never sees their end.
TRUNCATED_SHARE_WARN = 0.05
MAX_ROWS_PER_SPLIT = 20_000
SLOW_TOKENIZER_MIN_ROWS = 1_000  # below this, worker start-up costs more than it saves


def num_proc_for(tokenizer, rows: int) -> int | None:
    if getattr(tokenizer, "is_fast", False) or rows < SLOW_TOKENIZER_MIN_ROWS:
        return None
    return max(1, min(4, os.cpu_count() or 1))


def _lengths(tokenizer, ds, has_pair: bool, unk_id):
    special = set(tokenizer.all_special_ids) - {unk_id}  # [UNK] is "special" too: keep it counted

    def count(batch):
        args = (batch[TEXT], batch[PAIR]) if has_pair else (batch[TEXT],)
        enc = tokenizer(*args, truncation=False, add_special_tokens=True, verbose=False)
        ids = enc["input_ids"]
        return {"n_tokens": [len(x) for x in ids],
                "n_words": [sum(1 for t in x if t not in special) for x in ids],
                "n_unk": [sum(1 for t in x if t == unk_id) for x in ids]}

    num_proc = num_proc_for(tokenizer, len(ds))
    if num_proc is None:  # a fast tokenizer batches in Rust: one call, no Arrow cache files
        return count({c: column_values(ds, c) for c in (TEXT, PAIR) if c in ds.column_names})
    cols = [c for c in ds.column_names if c not in (TEXT, PAIR)]
    counted = ds.map(count, batched=True, remove_columns=cols + [c for c in (TEXT, PAIR)
                                                                 if c in ds.column_names],
                     num_proc=num_proc, desc="tokenizer fit")
    return {c: column_values(counted, c) for c in ("n_tokens", "n_words", "n_unk")}


def _as_pairs(ds):
    """A multiple-choice split as the (question, choice) pairs its model reads, a row each."""
    import datasets

    questions, choices = column_values(ds, TEXT), column_values(ds, CHOICES)
    return datasets.Dataset.from_dict({TEXT: [q for q, cs in zip(questions, choices) for _ in cs],
                                       PAIR: [c for cs in choices for c in cs]})


def tokenizer_fit(tokenizer, splits, max_length: int, seed: int = 0, task=None,
                  info=None) -> dict:
    """Facts (JSON-ready) about `tokenizer` on the prepared splits (a DatasetDict with text,
    optional text_pair; multiple choice: each question with each choice; a span task's texts
    through `task.fit_view`, and what the tokenizer can express of its gold spans under
    `spans`). Percentiles are over rows of all splits together."""
    spans = task.span_facts(tokenizer, splits, max_length, info) if task is not None else None
    if task is not None:
        splits = {name: task.fit_view(ds) for name, ds in splits.items()}
    if CHOICES in splits["train"].column_names:
        splits = {name: _as_pairs(ds) for name, ds in splits.items()}
    has_pair = PAIR in splits["train"].column_names
    unk_id = tokenizer.unk_token_id
    tokens, words, unks = [], [], []
    sampled = False
    for name, ds in splits.items():
        if len(ds) > MAX_ROWS_PER_SPLIT:
            ds, sampled = ds.shuffle(seed=seed).select(range(MAX_ROWS_PER_SPLIT)), True
        counted = _lengths(tokenizer, ds.select_columns([c for c in (TEXT, PAIR)
                                                          if c in ds.column_names]),
                           has_pair, unk_id)
        tokens += counted["n_tokens"]
        words += counted["n_words"]
        unks += counted["n_unk"]
    n = np.asarray(tokens)
    total_words, total_unk = int(sum(words)), int(sum(unks))
    first = splits["train"][0]
    args = (first[TEXT], first[PAIR]) if has_pair else (first[TEXT],)
    example_ids = tokenizer(*args, truncation=True, max_length=max_length)["input_ids"]
    facts = {
        "tokenizer": type(tokenizer).__name__,
        "rows": int(len(n)), "sampled": sampled, "max_length": max_length,
        "tokens_mean": round(float(n.mean()), 2),
        "tokens_p95": float(np.percentile(n, 95)),
        "tokens_max": int(n.max()),
        "truncated_rows": int((n > max_length).sum()),
        "truncated_share": round(float((n > max_length).mean()), 4),
        "unk_tokens": total_unk, "tokens_total": total_words,
        "unk_rate": round(total_unk / total_words, 4) if total_words else 0.0,
        "example_text": first[TEXT] + (f" ||| {first[PAIR]}" if has_pair else ""),
        "example_tokens": tokenizer.convert_ids_to_tokens(example_ids),
    }
    if spans is not None:
        facts["spans"] = spans
    facts["warnings"] = fit_warnings(facts)
    return facts


def fit_warnings(facts: dict) -> list[str]:
    out = []
    if facts["unk_rate"] > UNK_RATE_WARN:
        out.append(f"[UNK] rate {facts['unk_rate']:.1%} ({facts['unk_tokens']:,} of "
                   f"{facts['tokens_total']:,} tokens; threshold {UNK_RATE_WARN:.0%}): the "
                   "tokenizer's vocabulary does not cover this text")
    spans = facts.get("spans") or {}
    out += spans.get("warnings", [])
    if facts["truncated_share"] > TRUNCATED_SHARE_WARN and not spans.get("windowed"):
        out.append(f"{facts['truncated_share']:.1%} of rows truncated at max_length "
                   f"{facts['max_length']} ({facts['truncated_rows']:,} of {facts['rows']:,}; "
                   f"threshold {TRUNCATED_SHARE_WARN:.0%}; p95 {facts['tokens_p95']:.0f}, "
                   f"max {facts['tokens_max']} tokens)")
    return out
