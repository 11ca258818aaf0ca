"""Write a small local retrieval task from JSQuAD (JGLUE v1.3) validation: each paragraph a
passage (its article title as title), up to two of its questions as queries judged relevant to
it (score 1). The files go outside the repo (the data stays in shared/datasets):

    python scripts/jsquad_retrieval.py OUT_DIR [--paragraphs 300] [--questions 2]

then a suite names OUT_DIR/corpus.jsonl, queries.jsonl and qrels.tsv (suites/embedder-runtimes.yaml
reads them from ${JSQUAD_RETRIEVAL})."""

from __future__ import annotations

import argparse
import csv
import json
import os
from pathlib import Path

DATA = Path(os.environ.get("HARNESS_DATA") or Path(__file__).resolve().parents[1].parent / "shared"
            / "datasets")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--paragraphs", type=int, default=300)
    ap.add_argument("--questions", type=int, default=2)
    args = ap.parse_args()
    source = DATA / "jglue" / "jsquad-v1.3" / "valid-v1.3.json"
    articles = json.loads(source.read_text(encoding="utf-8"))["data"]
    corpus, queries, qrels = [], [], []
    for article in articles:
        for paragraph in article["paragraphs"]:
            if len(corpus) == args.paragraphs:
                break
            pid = f"p{len(corpus):04d}"
            text = paragraph["context"].split("[SEP]", 1)[-1].strip()  # "title [SEP] text"
            corpus.append({"_id": pid, "title": article["title"], "text": text})
            for qa in paragraph["qas"][:args.questions]:
                queries.append({"_id": qa["id"], "text": qa["question"]})
                qrels.append({"query-id": qa["id"], "corpus-id": pid, "score": 1})
    args.out.mkdir(parents=True, exist_ok=True)
    for name, rows in (("corpus.jsonl", corpus), ("queries.jsonl", queries)):
        with open(args.out / name, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    with open(args.out / "qrels.tsv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["query-id", "corpus-id", "score"], delimiter="\t")
        writer.writeheader()
        writer.writerows(qrels)
    print(f"{len(corpus)} passages, {len(queries)} queries from {source} -> {args.out}")


if __name__ == "__main__":
    main()
