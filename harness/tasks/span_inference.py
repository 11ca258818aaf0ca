"""A saved span model on new inputs, for `harness predict`: answer questions over contexts,
tag sentences. The same windows, offsets and decoding as training and scoring; batches in input
order, no sampler. torch is imported inside, at call time."""

from __future__ import annotations

import numpy as np

from harness.tasks.extractive_qa.postprocess import Answer, best_answers
from harness.tasks.extractive_qa.windows import (
    EXAMPLE_ID,
    OFFSETS,
    WindowSettings,
    encode_questions,
)
from harness.tasks.pair_template import PairTemplate
from harness.tasks.token_classification.encoding import (
    UNIT_SPANS,
    UNIT_TOKENS,
    encode_sentences,
    predicted_entities,
)

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def _forward(model, tokenizer, features: dict, batch_size: int, keep) -> list:
    """Per feature row, `keep(model_output, j, n)` for its j-th place in a batch and length n."""
    import torch

    accepted = [k for k in _INPUTS if k in features]
    rows = [{k: features[k][i] for k in accepted} for i in range(len(features["input_ids"]))]
    out = []
    with torch.inference_mode():
        for lo in range(0, len(rows), batch_size):
            chunk = rows[lo:lo + batch_size]
            batch = tokenizer.pad(chunk, padding=True, return_tensors="pt")
            result = model(**batch)
            out += [keep(result, j, len(r["input_ids"])) for j, r in enumerate(chunk)]
    return out


def answer_questions(model, tokenizer, questions: list[str], contexts: list[str],
                     settings: WindowSettings, *, n_best_size: int = 20,
                     max_answer_length: int = 30, batch_size: int = 32) -> list[Answer]:
    """The best answer (text, character span in its context, score) of each question."""
    ids = [str(i) for i in range(len(questions))]
    batch = {"id": ids, "question": list(questions), "context": list(contexts),
             "answers": [None] * len(ids)}
    features = encode_questions(batch, tokenizer, PairTemplate.probe(tokenizer), settings,
                                labels=False)
    logits = _forward(model, tokenizer, features, batch_size,
                      lambda r, j, n: (r.start_logits[j, :n].float().numpy(),
                                       r.end_logits[j, :n].float().numpy()))
    found = best_answers(features[EXAMPLE_ID], features[OFFSETS], [s for s, _ in logits],
                         [e for _, e in logits], dict(zip(ids, contexts)),
                         n_best_size=n_best_size, max_answer_length=max_answer_length)
    return [found[i] for i in ids]


def tag_sentences(model, tokenizer, texts: list[str], types: list[str], max_length: int,
                  label_all_tokens: bool, *, batch_size: int = 32) -> list[list[dict]]:
    """The entities (character spans and types) of each text."""
    batch = {"text": list(texts), "entities": [[] for _ in texts], "words": [[] for _ in texts]}
    rows = encode_sentences(batch, tokenizer, PairTemplate.probe(tokenizer), max_length, types,
                            label_all_tokens)
    logits = _forward(model, tokenizer, rows, batch_size,
                      lambda r, j, n: r.logits[j, :n].float().numpy())
    return [predicted_entities(np.asarray(lg), toks, spans, types)
            for lg, toks, spans in zip(logits, rows[UNIT_TOKENS], rows[UNIT_SPANS])]
