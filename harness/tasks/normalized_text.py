"""A normalised view of a string that remembers where each of its characters came from.

Tokenizers normalise before they split (NFKC, NFC, lower case, accents stripped). `Mapped`
holds the normalised string and, per normalised character, the half-open span of source
characters it came from. Normalisation is applied to chunks that normalise independently (a
character that composes with its predecessor, like a half-width voicing mark, joins the chunk
before it), so every normalised character maps to the smallest source span that produced it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass


class AlignmentError(ValueError):
    """The tokens of a text could not be placed on its characters."""


@dataclass(frozen=True)
class Mapped:
    text: str
    starts: tuple[int, ...]  # source start of each character of `text`
    ends: tuple[int, ...]    # source end (exclusive) of each character of `text`

    def source_span(self, lo: int, hi: int) -> tuple[int, int]:
        """The source span of characters lo..hi-1 of `text` (hi > lo)."""
        return self.starts[lo], self.ends[hi - 1]


def identity(source: str) -> Mapped:
    n = len(source)
    return Mapped(source, tuple(range(n)), tuple(range(1, n + 1)))


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def normalized(source: str, normalize: Callable[[str], str]) -> Mapped:
    """`normalize(source)` with each output character mapped to its source span; raises
    AlignmentError if chunk-wise normalisation does not give the whole string's."""
    whole = normalize(source)
    per_char = [normalize(c) for c in source]
    if whole == source and all(p == c for p, c in zip(per_char, source)):
        return identity(source)
    if all(len(p) == 1 for p in per_char) and "".join(per_char) == whole:
        n = len(source)  # one character for one: the identity map over new characters
        return Mapped(whole, tuple(range(n)), tuple(range(1, n + 1)))
    chunks: list[tuple[int, int]] = []  # source spans
    for i, out in enumerate(per_char):
        if chunks and not _starts_chunk(source, chunks[-1], i, out, normalize):
            chunks[-1] = (chunks[-1][0], i + 1)
        else:
            chunks.append((i, i + 1))
    text, starts, ends = [], [], []
    for lo, hi in chunks:
        out = normalize(source[lo:hi])
        text.append(out)
        starts += [lo] * len(out)
        ends += [hi] * len(out)
    if "".join(text) != whole:
        raise AlignmentError(f"normalising {source[:40]!r} in pieces differs from the whole")
    return Mapped(whole, tuple(starts), tuple(ends))


def _starts_chunk(source, last, i, out, normalize) -> bool:
    if not out:
        return True  # a character that normalises away: its own empty chunk
    if unicodedata.combining(out[0]):
        return False
    prev = source[last[0]:last[1]]
    return normalize(prev + source[i]) == normalize(prev) + out


def compose(outer: Mapped, inner: Mapped) -> Mapped:
    """`inner` maps into `outer.text`; the result maps inner's characters to outer's source."""
    starts = tuple(outer.starts[s] for s in inner.starts)
    ends = tuple(outer.ends[e - 1] for e in inner.ends)
    return Mapped(inner.text, starts, ends)
