"""The shared span-task data (JSQuAD v1.3, the Wikipedia NER set) and tiny tokenizers built from
it, for the offset property tests, the span-task tests and the benchmark. Plain functions: the
fixtures in conftest.py wrap them; tests skip (with the reason) when the data is absent."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

JSQUAD = ("jglue", "jsquad-v1.3")
NER = ("ner-wikipedia-ja", "ner.json")


def jsquad_file(root: Path, split: str) -> Path:
    return Path(root, *JSQUAD, f"{split}-v1.3.json")


def ner_file(root: Path) -> Path:
    return Path(root, *NER)


@lru_cache(maxsize=None)
def jsquad_contexts(root: Path, split: str) -> tuple[tuple[str, tuple[tuple[int, int, str], ...]], ...]:
    """((context, ((answer_start, answer_end, answer_text), ...)), ...): every paragraph of a
    JSQuAD split with every gold answer of every question on it."""
    data = json.loads(jsquad_file(root, split).read_text(encoding="utf-8"))
    out = []
    for article in data["data"]:
        for para in article["paragraphs"]:
            answers = tuple((a["answer_start"], a["answer_start"] + len(a["text"]), a["text"])
                            for qa in para["qas"] for a in qa["answers"])
            out.append((para["context"], answers))
    return tuple(out)


@lru_cache(maxsize=None)
def ner_texts(root: Path) -> tuple[tuple[str, tuple[tuple[int, int, str], ...]], ...]:
    """((text, ((start, end, type), ...)), ...) of the NER set."""
    rows = json.loads(ner_file(root).read_text(encoding="utf-8"))
    return tuple((r["text"], tuple((e["span"][0], e["span"][1], e["type"]) for e in r["entities"]))
                 for r in rows)


def vocab_texts(root: Path) -> list[str]:
    """The texts the tiny span tokenizers' vocabularies are counted from: JSQuAD valid's
    contexts and the first half of the NER set (so JSQuAD test and the rest of NER meet
    unknown characters, hence [UNK] tokens)."""
    ner = ner_texts(root)
    return [c for c, _ in jsquad_contexts(root, "valid")] + [t for t, _ in ner[: len(ner) // 2]]
