"""NER rows that learned nothing from a model.

- `all-O`: predicts no entity; its entity F1 is 0 by definition (stated in the table notes).
- `dictionary`: the entity strings of the train split, each with the type it carries most often
  there (ties: the type first in the label order); a text is scanned left to right and at each
  position the longest dictionary string that starts there is taken (for word-list data it must
  also start and end on word boundaries), then the scan continues after it. The row a model
  must beat: it shows how much of the test set is entities seen in training.
"""

from __future__ import annotations

from collections import Counter, defaultdict


class Dictionary:
    def __init__(self, texts: list[str], entities: list[list[dict]], types: list[str]):
        votes: dict[str, Counter] = defaultdict(Counter)
        for text, ents in zip(texts, entities):
            for e in ents:
                votes[text[e["start"]:e["end"]]][e["type"]] += 1
        order = {t: k for k, t in enumerate(types)}
        self.types = {s: min(c, key=lambda t: (-c[t], order.get(t, len(order))))
                      for s, c in votes.items() if s.strip()}
        by_first: dict[str, list[str]] = defaultdict(list)
        for s in self.types:
            by_first[s[0]].append(s)
        self.by_first = {c: sorted(v, key=lambda s: (-len(s), s)) for c, v in by_first.items()}

    def __len__(self) -> int:
        return len(self.types)

    def tag(self, text: str, words: list[list[int]] | None = None) -> list[dict]:
        starts = {w[0] for w in words} if words else None
        ends = {w[1] for w in words} if words else None
        out, i = [], 0
        while i < len(text):
            hit = None
            if starts is None or i in starts:
                for s in self.by_first.get(text[i], ()):
                    if text.startswith(s, i) and (ends is None or i + len(s) in ends):
                        hit = s
                        break
            if hit is None:
                i += 1
                continue
            out.append({"start": i, "end": i + len(hit), "type": self.types[hit]})
            i += len(hit)
        return out
