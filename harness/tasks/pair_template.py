"""Where a tokenizer puts its special tokens around a text pair, read off the tokenizer itself.

Span tasks build their model inputs from token ids (windows over a long context, a sentence's
tokens), so they need the tokenizer's pair layout without calling it on text: `[CLS] A [SEP] B
[SEP]` for BERT, `<s> A </s></s> B </s>` for RoBERTa. `PairTemplate.probe` encodes a probe pair
and reads the prefix, middle and suffix ids and the segment ids around them; fast tokenizers
have no `build_inputs_with_special_tokens` in transformers 5, Python ones do, and the probe
works for both.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.tasks.normalized_text import AlignmentError

_PROBES = (("a", "b"), ("1", "2"), ("x", "y"))


@dataclass(frozen=True)
class Layout:
    prefix: tuple[int, ...]
    middle: tuple[int, ...]
    suffix: tuple[int, ...]
    # segment ids of prefix, A, middle, B, suffix tokens (None: the model takes none)
    types: tuple[tuple[int, ...], int, tuple[int, ...], int, tuple[int, ...]] | None


@dataclass(frozen=True)
class PairTemplate:
    pair: Layout
    single: Layout  # one text: prefix + A + suffix (middle and B empty)
    cls_index: int  # where the "no answer" label points: the [CLS] token, else 0

    @property
    def pair_overhead(self) -> int:
        return len(self.pair.prefix) + len(self.pair.middle) + len(self.pair.suffix)

    @property
    def single_overhead(self) -> int:
        return len(self.single.prefix) + len(self.single.suffix)

    def build_pair(self, a: list[int], b: list[int]) -> tuple[list[int], list[int] | None, int]:
        """(input_ids, token_type_ids or None, index of B's first token)."""
        lay = self.pair
        ids = [*lay.prefix, *a, *lay.middle, *b, *lay.suffix]
        types = None
        if lay.types is not None:
            tp, ta, tm, tb, ts = lay.types
            types = [*tp, *[ta] * len(a), *tm, *[tb] * len(b), *ts]
        return ids, types, len(lay.prefix) + len(a) + len(lay.middle)

    def build_single(self, a: list[int]) -> tuple[list[int], list[int] | None, int]:
        """(input_ids, token_type_ids or None, index of A's first token)."""
        lay = self.single
        ids = [*lay.prefix, *a, *lay.suffix]
        types = None
        if lay.types is not None:
            tp, ta, _, _, ts = lay.types
            types = [*tp, *[ta] * len(a), *ts]
        return ids, types, len(lay.prefix)

    @classmethod
    def probe(cls, tokenizer) -> PairTemplate:
        for a_text, b_text in _PROBES:
            a = _ids(tokenizer, a_text)
            b = _ids(tokenizer, b_text)
            if a and b and a != b:
                break
        else:
            raise AlignmentError(f"{type(tokenizer).__name__}: no probe text tokenizes")
        pair = _layout(tokenizer(a_text, b_text, return_token_type_ids=True), a, b)
        single = _layout(tokenizer(a_text, return_token_type_ids=True), a, None)
        cls_id = getattr(tokenizer, "cls_token_id", None)
        full = [*pair.prefix, *a, *pair.middle, *b, *pair.suffix]
        cls_index = full.index(cls_id) if cls_id is not None and cls_id in pair.prefix else 0
        return cls(pair, single, cls_index)


def _ids(tokenizer, text: str) -> list[int]:
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def _find(seq: list[int], part: list[int], start: int = 0) -> int:
    for i in range(start, len(seq) - len(part) + 1):
        if seq[i:i + len(part)] == part:
            return i
    return -1


def _layout(encoding, a: list[int], b: list[int] | None) -> Layout:
    ids = list(encoding["input_ids"])
    i = _find(ids, a)
    j = _find(ids, b, i + len(a)) if b is not None else i + len(a)
    if i < 0 or j < 0:
        raise AlignmentError("the tokenizer's pair encoding does not contain its parts")
    end_b = j + (len(b) if b is not None else 0)
    prefix, middle, suffix = ids[:i], ids[i + len(a):j], ids[end_b:]
    raw_types = encoding.get("token_type_ids")
    types = None
    if raw_types is not None:
        t = list(raw_types)
        types = (tuple(t[:i]), t[i], tuple(t[i + len(a):j]), t[j] if b is not None else 0,
                 tuple(t[end_b:]))
    return Layout(tuple(prefix), tuple(middle), tuple(suffix), types)
