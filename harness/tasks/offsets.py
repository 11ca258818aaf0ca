"""Token ids with character offsets, for every tokenizer harness fine-tunes with.

Fast tokenizers report their own `offset_mapping` (and word ids). Python tokenizers return
none (transformers 5 drops `return_offsets_mapping` without a word): `BertJapaneseTokenizer`
is aligned by `python_offsets`; any other Python tokenizer is refused with one sentence.

Every span task reads texts through `encode_texts`, so training, evaluation and `harness
predict` see the same tokens. `span_tokens` answers the question the property tests and
`harness inspect` ask: which tokens give back exactly the characters [start, end)?
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.tasks.normalized_text import AlignmentError
from harness.tasks.python_offsets import Aligner, unsupported

NO_OFFSET = (-1, -1)


@dataclass
class Encoded:
    """One text as tokens: ids, character span per token, word index per token (None where
    the tokenizer has no word, e.g. an added token) and whether the token is a special token
    written in the text (`[SEP]` inside a JSQuAD context). `[UNK]` is not special here: it
    stands for real characters."""

    ids: list[int]
    offsets: list[tuple[int, int]]
    words: list[int | None]
    special: list[bool]

    def __len__(self) -> int:
        return len(self.ids)


def offsets_source(tokenizer) -> str:
    """'tokenizer' (a fast tokenizer's own offsets) or 'aligned' (computed by harness)."""
    if getattr(tokenizer, "is_fast", False):
        return "tokenizer"
    why = unsupported(tokenizer)
    if why:
        raise AlignmentError(why)
    return "aligned"


def special_ids(tokenizer) -> set[int]:
    """Ids of special tokens, [UNK] excluded (it covers text; DEVELOPERS.md trap)."""
    return set(tokenizer.all_special_ids) - {tokenizer.unk_token_id}


def encode_texts(tokenizer, texts: list[str], *, aligner: Aligner | None = None) -> list[Encoded]:
    """Each text as an Encoded, no special tokens added around it."""
    if offsets_source(tokenizer) == "tokenizer":
        return _fast(tokenizer, texts)
    aligner = aligner or Aligner(tokenizer)
    specials = set(tokenizer.all_special_tokens) - {str(tokenizer.unk_token)}
    out = []
    for text in texts:
        a = aligner.align(text)
        out.append(Encoded(aligner.ids(a.tokens), a.offsets, a.words,
                           [added and t in specials for t, added in zip(a.tokens, a.added)]))
    return out


def _fast(tokenizer, texts: list[str]) -> list[Encoded]:
    if not texts:
        return []
    enc = tokenizer(list(texts), add_special_tokens=False, return_offsets_mapping=True,
                    return_attention_mask=False, return_token_type_ids=False,
                    verbose=False)  # contexts longer than the model are windowed, not a mistake
    specials = special_ids(tokenizer)
    out = []
    for i, ids in enumerate(enc["input_ids"]):
        special = [t in specials for t in ids]
        words = enc.word_ids(i)
        out.append(Encoded(list(ids), [tuple(o) for o in enc["offset_mapping"][i]],
                           [None if s else w for s, w in zip(special, words)], special))
    return out


def span_tokens(enc: Encoded, start: int, end: int, text: str | None = None) -> tuple[int, int] | None:
    """(first, last) token whose characters are exactly [start, end), whitespace at either end
    of the span ignored; None when a boundary falls inside a token or between tokens that do
    not meet it (the span cannot be expressed in this tokenizer's tokens)."""
    if text is not None:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
    first = last = None
    for i, (s, e) in enumerate(enc.offsets):
        if enc.special[i] or e <= s:
            continue
        if s == start and first is None:
            first = i
        if e == end:
            last = i
    if first is None or last is None or last < first:
        return None
    return first, last


def covering_tokens(enc: Encoded, start: int, end: int) -> tuple[int, int] | None:
    """(first, last) token overlapping [start, end): the training label of an answer, also when
    its boundaries fall inside tokens (as the transformers QA recipe labels). None when no
    token overlaps."""
    hits = [i for i, (s, e) in enumerate(enc.offsets)
            if not enc.special[i] and e > s and s < end and e > start]
    return (hits[0], hits[-1]) if hits else None
