"""Character offsets for `BertJapaneseTokenizer`, which returns none under transformers 5.

The cl-tohoku models tokenize in Python: split off added tokens (`[SEP]` written in a JSQuAD
context becomes the real separator), split each remaining piece into words (MeCab over the
NFKC-normalised text, or the basic whitespace/punctuation splitter over the cleaned NFC text),
then split each word into sub-words (WordPiece with `##` continuations, or characters). Asked
for `return_offsets_mapping`, it returns nothing and says nothing.

`align` runs those same steps with the tokenizer's own components and places every output on
the original characters: words on the normalised text (through `normalized_text.Mapped`, which
knows which source characters each normalised one came from, so NFKC's `ｶﾞ` → `ガ` and `㌔` →
`キロ` keep true spans), sub-words inside their word. An `[UNK]` covers the word (WordPiece) or
the character (character sub-words) it replaced. Anything that cannot be placed raises
`AlignmentError`: never a guessed offset. The tokens are the tokenizer's own, in its order, so
`tokens == tokenizer.tokenize(text)` (tests/tasks/test_offsets_shared_data.py checks it on every
shared JSQuAD and NER text, with both MeCab dictionaries).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from harness.tasks.normalized_text import AlignmentError, Mapped, identity, nfkc, normalized

WORD_TOKENIZERS = ("mecab", "basic")
SUBWORD_TOKENIZERS = ("wordpiece", "character")


@dataclass
class Aligned:
    tokens: list[str]
    offsets: list[tuple[int, int]]
    words: list[int | None]  # word index of each token; None for an added token
    added: list[bool]        # an added token split out of the text ("[SEP]" written in it)


def unsupported(tokenizer) -> str | None:
    """Why `align` cannot serve this Python tokenizer, or None."""
    name = type(tokenizer).__name__
    if name != "BertJapaneseTokenizer":
        return (f"{name} is a Python tokenizer without offsets; harness aligns "
                "BertJapaneseTokenizer and uses fast tokenizers' own offsets")
    if not (tokenizer.do_word_tokenize and tokenizer.do_subword_tokenize):
        return "BertJapaneseTokenizer without word or sub-word tokenization"
    if tokenizer.word_tokenizer_type not in WORD_TOKENIZERS:
        return f"BertJapaneseTokenizer with word_tokenizer_type {tokenizer.word_tokenizer_type!r}"
    if tokenizer.subword_tokenizer_type not in SUBWORD_TOKENIZERS:
        return (f"BertJapaneseTokenizer with subword_tokenizer_type "
                f"{tokenizer.subword_tokenizer_type!r}")
    return None


class Aligner:
    """Aligns texts for one tokenizer (its added tokens and word rules read once)."""

    def __init__(self, tokenizer):
        why = unsupported(tokenizer)
        if why:
            raise AlignmentError(why)
        self.tok = tokenizer
        self.added = dict(tokenizer.added_tokens_encoder)
        self.added_props = {t: tokenizer.added_tokens_decoder[i] for t, i in self.added.items()}
        if any(getattr(p, "single_word", False) for p in self.added_props.values()):
            raise AlignmentError("an added token with single_word=True (not supported)")
        self.special = set(tokenizer.all_special_tokens)
        self.unk = str(tokenizer.unk_token)
        self.vocab = tokenizer.vocab  # token -> id, as _convert_token_to_id reads it
        self.unk_id = self.vocab.get(self.unk)
        words = tokenizer.word_tokenizer
        self.never_split = set(getattr(words, "never_split", None) or []) | self.special
        if tokenizer.word_tokenizer_type == "mecab":
            self.normalize = nfkc if words.normalize_text else None
            self.transform = str.lower if words.do_lower_case else None
        else:
            self.normalize = _basic_normalize
            lower, strip = words.do_lower_case, words.strip_accents
            self.transform = (_lower_strip if lower and strip is not False else
                              str.lower if lower else _strip_accents if strip else None)

    def ids(self, tokens: list[str]) -> list[int]:
        """convert_tokens_to_ids without its per-token method calls (added tokens first)."""
        added, vocab, unk = self.added, self.vocab, self.unk_id
        return [added[t] if t in added else vocab.get(t, unk) for t in tokens]

    def align(self, text: str) -> Aligned:
        out = Aligned([], [], [], [])
        word_index = 0
        for lo, hi, is_added in self.segments(text):
            if is_added:
                out.tokens.append(text[lo:hi])
                out.offsets.append((lo, hi))
                out.words.append(None)
                out.added.append(True)
                continue
            for word in self.words(text[lo:hi]):
                for piece, (s, e) in self.pieces(word):
                    out.tokens.append(piece)
                    out.offsets.append((lo + s, lo + e))
                    out.words.append(word_index)
                    out.added.append(False)
                word_index += 1
        return out

    def segments(self, text: str) -> list[tuple[int, int, bool]]:
        """PreTrainedTokenizer.tokenize's split on added tokens, as source spans."""
        if self.tok.split_special_tokens:
            return [(0, len(text), False)]
        spans, pos = [], 0
        for part in self.tok.tokens_trie.split(text):
            spans.append([pos, pos + len(part), part in self.added])
            pos += len(part)
        for i, (lo, hi, is_added) in enumerate(spans):
            if not is_added:
                continue
            props = self.added_props[text[lo:hi]]
            if getattr(props, "rstrip", False) and i + 1 < len(spans):
                nxt = spans[i + 1]
                nxt[0] += len(text[nxt[0]:nxt[1]]) - len(text[nxt[0]:nxt[1]].lstrip())
            if getattr(props, "lstrip", False) and i > 0:
                prev = spans[i - 1]
                prev[1] -= len(text[prev[0]:prev[1]]) - len(text[prev[0]:prev[1]].rstrip())
        return [(lo, hi, a) for lo, hi, a in spans if hi > lo]

    def words(self, segment: str) -> list[Mapped]:
        """The word tokenizer's words of `segment`, each mapped onto the segment's characters."""
        words = self.tok.word_tokenizer.tokenize(segment, never_split=list(self.special))
        view = normalized(segment, self.normalize) if self.normalize else identity(segment)
        return _place(view, words, self.transform, self.never_split, segment)

    def pieces(self, word: Mapped) -> list[tuple[str, tuple[int, int]]]:
        """(sub-word token, source span in the segment) for one placed word."""
        sub = self.tok.subword_tokenizer
        tokens = sub.tokenize(word.text)
        if self.tok.subword_tokenizer_type == "character":
            chars = normalized(word.text, nfkc) if sub.normalize_text else identity(word.text)
            if len(tokens) != len(chars.text):
                raise AlignmentError(f"character sub-words of {word.text!r} do not match")
            return [(t, word.source_span(chars.starts[i], chars.ends[i]))
                    for i, t in enumerate(tokens)]
        if tokens == [self.unk]:
            return [(self.unk, word.source_span(0, len(word.text)))]
        out, pos = [], 0
        for i, token in enumerate(tokens):
            body = token[2:] if i else token
            if i and not token.startswith("##") or word.text[pos:pos + len(body)] != body:
                raise AlignmentError(f"WordPiece {token!r} is not in {word.text!r} at {pos}")
            out.append((token, word.source_span(pos, pos + len(body))))
            pos += len(body)
        if pos != len(word.text):
            raise AlignmentError(f"WordPieces of {word.text!r} cover {pos} characters")
        return out


def _place(view: Mapped, words: list[str], transform, never_split, segment: str) -> list[Mapped]:
    """Each word as a Mapped over the segment: found in order in the normalised view, skipping
    whitespace and characters the transform removes."""
    raw = list(view.text)
    per_char = [transform(c) for c in raw] if transform else raw
    out, pos, n = [], 0, len(raw)
    for word in words:
        keep = transform is None or word in never_split
        chars = raw if keep else per_char
        while pos < n and (not chars[pos] or view.text[pos].isspace()):
            pos += 1
        end, length = pos, 0
        while end < n and length < len(word):
            length += len(chars[end])
            end += 1
        candidate = "".join(chars[pos:end])
        whole = view.text[pos:end] if keep else transform(view.text[pos:end])
        if word not in (candidate, whole):
            raise AlignmentError(f"word {word!r} not found at character {view.starts[pos] if pos < n else len(segment)} "
                                 f"of {segment[:60]!r}")
        if candidate == word and end - pos == len(word):  # one character for one
            starts, ends = view.starts[pos:end], view.ends[pos:end]
        else:
            starts, ends = [], []
            for i in range(pos, end):
                starts += [view.starts[i]] * len(chars[i])
                ends += [view.ends[i]] * len(chars[i])
        if len(starts) != len(word):  # a case mapping that changes length as a whole only
            lo, hi = view.source_span(pos, end)
            starts, ends = [lo] * len(word), [hi] * len(word)
        out.append(Mapped(word, tuple(starts), tuple(ends)))
        pos = end
    rest = [i for i in range(pos, n) if per_char[i] and not view.text[i].isspace()]
    if rest:
        raise AlignmentError(f"characters from {view.starts[rest[0]]} of {segment[:60]!r} were "
                             "dropped by the word tokenizer")
    return out


def _is_control(c: str) -> bool:
    return c not in "\t\n\r" and unicodedata.category(c).startswith("C")


def _basic_normalize(text: str) -> str:
    """BasicTokenizer's cleaning (control characters out, whitespace to spaces) then NFC."""
    cleaned = "".join(" " if c in "\t\n\r" or unicodedata.category(c) == "Zs" else c
                      for c in text if not (c in "\x00\ufffd" or _is_control(c)))
    return unicodedata.normalize("NFC", cleaned)


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _lower_strip(text: str) -> str:
    return _strip_accents(text.lower())
