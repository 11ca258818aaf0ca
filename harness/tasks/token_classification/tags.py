"""Character-span entities ↔ IOB2 tags on a tokenizer's units, and back to character spans.

The model's labels are `O`, then `B-<type>`, `I-<type>` for each entity type in order. A *unit*
is what gets a tag: with `label_all_tokens: false` (the default, as the transformers recipe)
each word of the text — the given words of word-list data, else the tokenizer's own words (a
MeCab morpheme for the cl-tohoku tokenizers, a pre-tokenizer word for fast ones) — tagged on
its first sub-word token, every other token -100; with `label_all_tokens: true` every token is
a unit. Units overlapping an entity carry its type, `B-` on the first; a unit overlapping two
entities belongs to the first. An entity whose first character is not a unit's first, or whose
last is not a unit's last, cannot be predicted exactly (it is counted, as for QA answers).

Predictions go back the same way: the tag of each unit is the argmax at its labelled token;
entities are read off in strict IOB2 (a `B-X` and the `I-X` that follow it; an `I-X` that does
not follow `B-X`/`I-X` starts nothing, as seqeval's strict mode reads it), and each entity's
characters run from its first unit's first character to its last unit's last.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.tasks.offsets import Encoded

IGNORE = -100


def tag_names(types: list[str]) -> list[str]:
    return ["O"] + [f"{p}-{t}" for t in types for p in ("B", "I")]


@dataclass(frozen=True)
class Units:
    """The tagged units of one encoded text: their character spans and labelled token."""

    spans: list[tuple[int, int]]
    tokens: list[int]  # index (into the Encoded) of the token that carries each unit's tag
    members: list[list[int]]  # every token of each unit

    @classmethod
    def of(cls, enc: Encoded, label_all_tokens: bool,
           words: list[list[int]] | None = None) -> Units:
        """Units from the tokenizer's words (or the given word spans), or every token."""
        spans, tokens, members = [], [], []
        key_of = _word_key(enc, words)
        last_key = object()
        for i, (s, e) in enumerate(enc.offsets):
            if enc.special[i] or e <= s:
                continue
            key = i if label_all_tokens else key_of(i)
            if key != last_key:
                spans.append((s, e))
                tokens.append(i)
                members.append([i])
                last_key = key
            else:
                spans[-1] = (spans[-1][0], max(spans[-1][1], e))
                members[-1].append(i)
        return cls(spans, tokens, members)


def _word_key(enc: Encoded, words: list[list[int]] | None):
    if not words:
        return lambda i: enc.words[i] if enc.words[i] is not None else ("token", i)
    starts = [w[0] for w in words]

    def key(i: int) -> int:
        import bisect

        return bisect.bisect_right(starts, enc.offsets[i][0]) - 1
    return key


def unit_tags(units: Units, entities: list[dict], types: list[str]) -> list[int]:
    """Tag id of each unit (0 = O, 2k+1 = B-types[k], 2k+2 = I-types[k])."""
    index = {t: k for k, t in enumerate(types)}
    tags = [0] * len(units.spans)
    taken = [False] * len(units.spans)
    for ent in entities:
        first = True
        for u, (s, e) in enumerate(units.spans):
            if e <= ent["start"] or s >= ent["end"] or taken[u]:
                continue
            tags[u] = 2 * index[ent["type"]] + (1 if first else 2)
            taken[u] = True
            first = False
    return tags


def token_labels(enc: Encoded, units: Units, tags: list[int]) -> list[int]:
    """A label per token of `enc`: the unit tag on its labelled token, -100 on the rest (with
    label_all_tokens every token is a unit, so only special tokens get -100)."""
    labels = [IGNORE] * len(enc)
    for token, tag in zip(units.tokens, tags):
        labels[token] = tag
    return labels


def expressible(units: Units, entity: dict) -> bool:
    starts = {s for s, _ in units.spans}
    ends = {e for _, e in units.spans}
    return entity["start"] in starts and entity["end"] in ends


def decode(units: Units, tags: list[int], types: list[str]) -> list[dict]:
    """Strict IOB2 entities from unit tag ids, as character spans."""
    out: list[dict] = []
    current = None
    for (s, e), tag in zip(units.spans, tags):
        kind = types[(tag - 1) // 2] if tag else None
        if tag and tag % 2 == 1:  # B-
            current = {"start": s, "end": e, "type": kind}
            out.append(current)
        elif tag and current is not None and current["type"] == kind:  # I- continuing
            current["end"] = e
        else:
            current = None
    return out
