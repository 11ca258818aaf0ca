"""The property the span tasks stand on, over the shared JSQuAD and NER texts: for every gold
answer and entity, the tokens harness maps it to give back exactly its characters, or it is
counted as inexpressible (a boundary inside a token). For the aligned (Python) tokenizers the
ids are also the tokenizer's own, text by text.

The fast test takes a slice; the slow one every text (`-s` prints the counts table that
docs/span-tasks.md quotes)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import span_data
from conftest import SHARED_DATA, cached_tokenizer

from harness.tasks.offsets import encode_texts, offsets_source, span_tokens


@dataclass
class Counts:
    spans: int = 0
    inside_token: int = 0    # a boundary falls strictly inside a token
    uncovered: int = 0       # a boundary character no token covers

    @property
    def inexpressible(self) -> int:
        return self.inside_token + self.uncovered


def check(tok, items) -> Counts:
    """Assert the property on every (text, spans) item; count what cannot be expressed."""
    aligned = offsets_source(tok) == "aligned"
    texts = [t for t, _ in items]
    counts = Counts()
    for (text, spans), enc in zip(items, encode_texts(tok, texts)):
        if aligned:
            assert enc.ids == tok(text, add_special_tokens=False)["input_ids"], text[:40]
        for start, end, _ in spans:
            counts.spans += 1
            found = span_tokens(enc, start, end, text)
            lo, hi = start, end
            while lo < hi and text[lo].isspace():
                lo += 1
            while hi > lo and text[hi - 1].isspace():
                hi -= 1
            if found is not None:
                first, last = found
                assert text[enc.offsets[first][0]:enc.offsets[last][1]] == text[lo:hi]
                continue
            real = [(s, e) for (s, e), sp in zip(enc.offsets, enc.special) if not sp and e > s]
            if any(s < lo < e or s < hi < e for s, e in real):
                counts.inside_token += 1
            else:
                assert not any(s <= lo < e for s, e in real) or \
                    not any(s < hi <= e for s, e in real), (text[lo:hi], lo, hi)
                counts.uncovered += 1
    return counts


def tokenizers(shared_span_tokenizers, minilm_dir):
    out = {name: cached_tokenizer(path) for name, path in shared_span_tokenizers.items()}
    out["minilm"] = cached_tokenizer(minilm_dir)
    return out


def datasets_of(sample: bool):
    jsquad = [item for split in ("valid", "test")
              for item in span_data.jsquad_contexts(SHARED_DATA, split)]
    ner = list(span_data.ner_texts(SHARED_DATA))
    if sample:
        jsquad, ner = jsquad[::80], ner[::80]
    return {"JSQuAD answers": jsquad, "NER entities": ner}


def test_shared_slice_maps_back_exactly(shared_span_tokenizers, minilm_dir):
    toks = tokenizers(shared_span_tokenizers, minilm_dir)
    for name, tok in toks.items():
        for label, items in datasets_of(sample=True).items():
            counts = check(tok, items)
            assert counts.spans > 50, (name, label)
            assert counts.inexpressible < 0.1 * counts.spans, (name, label, counts)
            if name == "unidic-character":
                assert counts.inexpressible == 0  # every character is a token


@pytest.mark.slow  # reason: tokenizes every shared JSQuAD context and NER text with 4 tokenizers
@pytest.mark.heavy  # ~30 s: pytest -m heavy (CI runs the every-80th-text slice above)
def test_every_shared_answer_and_entity_maps_back_exactly(shared_span_tokenizers, minilm_dir):
    toks = tokenizers(shared_span_tokenizers, minilm_dir)
    rows = []
    for name, tok in toks.items():
        for label, items in datasets_of(sample=False).items():
            c = check(tok, items)
            rows.append((name, label, c))
            assert c.spans == {"JSQuAD answers": 25691, "NER entities": 13185}[label]
    print("\ntokenizer          spans            total  inexpressible (inside a token / uncovered)")
    for name, label, c in rows:
        print(f"{name:18} {label:15} {c.spans:6}  {c.inexpressible:5} ({c.inexpressible / c.spans:.2%})"
              f"  {c.inside_token} / {c.uncovered}")
    assert all(c.inexpressible == 0 for n, _, c in rows if n == "unidic-character")
