"""Small generated retrieval and reranking files for tests: passages from templates with real
lexical structure, each query a reworded passage (its relevant passage), in the formats a suite
accepts (jsonl corpus, csv queries, tsv qrels; a BEIR folder; reranking rows)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import tiny_models
from conftest import write_csv


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return path


def corpus_and_queries(n_docs: int = 120, n_queries: int = 30, seed: int = 0):
    """(corpus rows {_id, title, text}, query rows {_id, text}, qrels rows) with ids as strings
    that look like numbers (007: a csv reader must keep them text)."""
    texts, labels = tiny_models.english_texts(n=n_docs, seed=seed)
    unique = dict(zip(texts, labels))  # text -> its topic, first of duplicates
    corpus = [{"_id": f"{i:03d}", "title": topic, "text": t}
              for i, (t, topic) in enumerate(unique.items())]
    rng = random.Random(seed)
    picked = rng.sample(range(len(corpus)), n_queries)
    queries, qrels = [], []
    for j, i in enumerate(picked):
        words = corpus[i]["text"].split()
        rng.shuffle(words)
        queries.append({"_id": f"q{j}", "text": " ".join(words[: max(3, len(words) // 2)])})
        qrels.append({"query-id": f"q{j}", "corpus-id": corpus[i]["_id"], "score": 1})
        other = corpus[(i + 1) % len(corpus)]["_id"]
        qrels.append({"query-id": f"q{j}", "corpus-id": other, "score": 0})
    return corpus, queries, qrels


def write_retrieval(root: Path, seed: int = 0) -> dict[str, Path]:
    corpus, queries, qrels = corpus_and_queries(seed=seed)
    return {"corpus": write_jsonl(root / "corpus.jsonl", corpus),
            "queries": write_csv(root / "queries.csv", queries, ","),
            "qrels": write_csv(root / "qrels.tsv", qrels, "\t")}


def write_beir(root: Path, seed: int = 1) -> Path:
    """corpus.jsonl, queries.jsonl, qrels/test.tsv and qrels/dev.tsv (some queries judged only
    in dev: they are not test queries, and not unjudged ones)."""
    corpus, queries, qrels = corpus_and_queries(seed=seed)
    write_jsonl(root / "corpus.jsonl", corpus)
    write_jsonl(root / "queries.jsonl", queries)
    dev = {r["query-id"] for r in qrels[:10]}
    write_csv(root / "qrels" / "dev.tsv", [r for r in qrels if r["query-id"] in dev], "\t")
    write_csv(root / "qrels" / "test.tsv", [r for r in qrels if r["query-id"] not in dev], "\t")
    return root


def write_reranking(path: Path, seed: int = 2) -> Path:
    corpus, queries, qrels = corpus_and_queries(seed=seed)
    text = {c["_id"]: c["text"] for c in corpus}
    rng = random.Random(seed)
    rows = []
    for q in queries:
        gold = next(r["corpus-id"] for r in qrels if r["query-id"] == q["_id"] and r["score"] > 0)
        negatives = rng.sample([c for c in text if c != gold], 5)
        rows.append({"query": q["text"], "positive": [text[gold]],
                     "negative": [text[d] for d in negatives]})
    return write_jsonl(path, rows)


def hub_retrieval_configs(prefix: str, split: str, seed: int = 3) -> dict:
    """config -> (split, rows) of corpus, queries and qrels as mteb's hub datasets name them
    (prefix: 'ja-' for a multilingual task's subset; its qrels config is then '<subset>-qrels',
    else 'default')."""
    corpus, queries, qrels = corpus_and_queries(seed=seed)
    return {f"{prefix}corpus": (split, corpus), f"{prefix}queries": (split, queries),
            (f"{prefix}qrels" if prefix else "default"): (split, qrels)}
