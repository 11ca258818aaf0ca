"""Sentences → model rows for token classification, and model outputs → predicted entities.

Each text is tokenized once with character offsets (harness.tasks.offsets), cut to the model's
`max_length` (special tokens included; the entities of a cut tail cannot be predicted and are
counted as such), wrapped in the tokenizer's own special tokens (PairTemplate), and labelled
per unit (tags.py: the first sub-word of each word, or every token). A row keeps what decoding
needs: `unit_tokens` (the position of each unit's labelled token) and `unit_spans` (each unit's
characters), so predictions go back to character spans without the tokenizer.
"""

from __future__ import annotations

import numpy as np

from harness.tasks.offsets import encode_texts
from harness.tasks.pair_template import PairTemplate
from harness.tasks.token_classification.reading import ENTITIES, TEXT, WORDS
from harness.tasks.token_classification.tags import IGNORE, Units, decode, unit_tags

LABELS, UNIT_TOKENS, UNIT_SPANS, LENGTH = "labels", "unit_tokens", "unit_spans", "length"


def encode_sentences(batch: dict, tokenizer, template: PairTemplate, max_length: int,
                     types: list[str], label_all_tokens: bool, *, aligner=None) -> dict[str, list]:
    """A batch of canonical rows → one model row each (labels, units, length)."""
    encoded = encode_texts(tokenizer, list(batch[TEXT]), aligner=aligner)
    room = max_length - template.single_overhead
    out: dict[str, list] = {k: [] for k in ("input_ids", "attention_mask", LABELS, UNIT_TOKENS,
                                            UNIT_SPANS, LENGTH)}
    if template.single.types is not None:
        out["token_type_ids"] = []
    words = batch.get(WORDS) or [None] * len(encoded)
    for enc, entities, given in zip(encoded, batch[ENTITIES], words):
        units = Units.of(enc, label_all_tokens, given or None)
        tags = unit_tags(units, entities, types)
        keep = [u for u, members in enumerate(units.members) if members[-1] < room]
        ids, token_types, first = template.build_single(enc.ids[:room])
        labels = [IGNORE] * len(ids)
        for u in keep:
            labels[first + units.tokens[u]] = tags[u]
        out["input_ids"].append(ids)
        out["attention_mask"].append([1] * len(ids))
        out[LABELS].append(labels)
        out[UNIT_TOKENS].append([first + units.tokens[u] for u in keep])
        out[UNIT_SPANS].append([list(units.spans[u]) for u in keep])
        out[LENGTH].append(len(ids))
        if token_types is not None:
            out["token_type_ids"].append(token_types)
    return out


def predicted_entities(logits: np.ndarray, unit_tokens: list[int], unit_spans: list[list[int]],
                       types: list[str]) -> list[dict]:
    """One row's (tokens, labels) logits → its entities as character spans (strict IOB2)."""
    if not unit_tokens:
        return []
    tags = np.asarray(logits)[np.asarray(unit_tokens)].argmax(-1).tolist()
    units = Units([tuple(s) for s in unit_spans], list(range(len(unit_tokens))),
                  [[i] for i in range(len(unit_tokens))])
    return decode(units, tags, types)
