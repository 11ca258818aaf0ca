"""Tag sentences with a saved token-classification model (`harness predict`): the same units
and strict IOB2 decoding as training and scoring."""

from __future__ import annotations

import numpy as np

from harness.tasks.pair_template import PairTemplate
from harness.tasks.span_inference import forward_rows
from harness.tasks.token_classification.encoding import (
    UNIT_SPANS,
    UNIT_TOKENS,
    encode_sentences,
    predicted_entities,
)


def tag_sentences(model, tokenizer, texts: list[str], types: list[str], max_length: int,
                  label_all_tokens: bool, *, batch_size: int = 32) -> list[list[dict]]:
    """The entities (character spans and types) of each text."""
    batch = {"text": list(texts), "entities": [[] for _ in texts], "words": [[] for _ in texts]}
    rows = encode_sentences(batch, tokenizer, PairTemplate.probe(tokenizer), max_length, types,
                            label_all_tokens)
    logits = forward_rows(model, tokenizer, rows, batch_size,
                      lambda r, j, n: r.logits[j, :n].float().numpy())
    return [predicted_entities(np.asarray(lg), toks, spans, types)
            for lg, toks, spans in zip(logits, rows[UNIT_TOKENS], rows[UNIT_SPANS])]

