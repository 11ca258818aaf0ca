"""mteb retrieval and reranking: local files (jsonl/csv/tsv, a BEIR folder, reranking rows) on a
tiny BERT, scores equal to mteb's own evaluation of the same task, the embeddings cache shared
by a second run, the exact and FAISS indexes against brute force, the report's columns and
worst-queries view, and every retrieval-file problem as one line and exit 2 at validate."""

from __future__ import annotations

import json
import math
import shutil

import numpy as np
import pytest
import retrieval_data as rd

from harness.cli import main
from harness.store.store import ResultsStore

SUITE = """
name: retrieval-tiny
models:
  - name: tiny
    path: {model}
    max_length: 32
methods:
  - type: mteb
    batch_size: 16{extra}
    tasks:{tasks}
"""


def retrieval_tasks(data) -> str:
    return f"""
      - name: faq
        type: retrieval
        corpus: {data}/plain/corpus.jsonl
        queries: {data}/plain/queries.csv
        qrels: {data}/plain/qrels.tsv
      - name: beir-faq
        type: retrieval
        beir: {data}/beir
      - name: faq-rerank
        type: reranking
        files: {{test: {data}/rerank.jsonl}}
"""


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("retrieval-data")
    rd.write_retrieval(root / "plain")
    rd.write_beir(root / "beir")
    rd.write_reranking(root / "rerank.jsonl")
    return root


def _line_of(path, needle: str) -> int:
    return next(i for i, t in enumerate(path.read_text().splitlines(), 1) if needle in t)


# --- bad input: one line, exit 2, before any compute -------------------------------------------

def _mutate(root, name: str, edit) -> None:
    path = root / name
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")


BAD_FILES = [  # (what, file to edit, edit, task field, message fragment)
    ("duplicate corpus id", "plain/corpus.jsonl", lambda ls: ls + [ls[1]], "corpus",
     "corpus.jsonl row 120: duplicate id '001' (also row 2)"),
    ("empty passage", "plain/corpus.jsonl",
     lambda ls: [ls[0].replace(json.loads(ls[0])["text"], " ").replace('"sports"', '""')] + ls[1:],
     "corpus", "corpus.jsonl row 1: empty text (id '000')"),
    ("duplicate query id", "plain/queries.csv", lambda ls: ls + [ls[1]], "queries",
     "queries.csv row 31: duplicate id 'q0' (also row 1)"),
    ("empty query", "plain/queries.csv", lambda ls: ls[:1] + ["q0,"] + ls[2:], "queries",
     "queries.csv row 1: empty text (id 'q0')"),
    ("qrel to a missing passage", "plain/qrels.tsv", lambda ls: ls + ["q1\t999\t1"], "qrels.test",
     "qrels.tsv row 61: corpus id '999' is not in"),
    ("qrel to a missing query", "plain/qrels.tsv", lambda ls: ls + ["q99\t001\t1"], "qrels.test",
     "qrels.tsv row 61: query id 'q99' is not in"),
    ("query without judgements", "plain/queries.csv", lambda ls: ls + ["q-extra,an unjudged query"],
     "queries", "queries.csv row 31: query 'q-extra' has no relevance judgement in any qrels"),
    ("relevance not an integer", "plain/qrels.tsv",
     lambda ls: ls[:1] + [ls[1].rsplit("\t", 1)[0] + "\t0.5"] + ls[2:], "qrels.test",
     "qrels.tsv row 1: score '0.5' is not an integer"),
    ("judged twice", "plain/qrels.tsv", lambda ls: ls + [ls[1]], "qrels.test",
     "qrels.tsv row 61: query 'q0' and corpus id"),
    ("no relevant passage", "plain/qrels.tsv",
     lambda ls: [ls[0]] + [x for x in ls[1:] if not x.startswith("q0\t")]
     + [x.rsplit("\t", 1)[0] + "\t0" for x in ls[1:] if x.startswith("q0\t")],
     "qrels.test", "query 'q0' has no judgement with score > 0"),
    ("no id column", "plain/corpus.jsonl", lambda ls: [x.replace('"_id"', '"doc"') for x in ls],
     "corpus", "corpus.jsonl: no id column (_id or id; columns: doc, title, text)"),
]


@pytest.mark.parametrize("what, name, edit, field, message", BAD_FILES,
                         ids=[b[0] for b in BAD_FILES])
def test_retrieval_file_problem_is_one_line_at_validate(tmp_path, tiny_bert, data, capsys, what,
                                                        name, edit, field, message):
    root = tmp_path / "d"
    shutil.copytree(data, root)
    _mutate(root, name, edit)
    tasks = f"""
      - name: faq
        type: retrieval
        corpus: {root}/plain/corpus.jsonl
        queries: {root}/plain/queries.csv
        qrels: {{test: {root}/plain/qrels.tsv}}
"""
    path = tmp_path / "suite.yaml"
    path.write_text(SUITE.format(model=tiny_bert, extra="", tasks=tasks), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    line = _line_of(path, "test:" if field.startswith("qrels") else f"{field}:")
    assert err[0].startswith(f"harness: error: {path}:{line}: methods.0.tasks.0.{field}: "), err
    assert message in err[0], err


BAD_SPECS = [  # (tasks yaml, needle, field, message)
    ("\n      - {{name: t, type: retrieval, beir: {d}/beir, corpus: {d}/plain/corpus.jsonl}}\n",
     "beir", "methods.0.tasks.0.corpus", "give either beir: (a BEIR folder) or corpus/queries/qrels"),
    ("\n      - {{name: t, type: retrieval, corpus: {d}/plain/corpus.jsonl, queries: "
     "{d}/plain/queries.csv, qrels: {{dev: {d}/plain/qrels.tsv}}}}\n", "qrels",
     "methods.0.tasks.0.qrels", "has no judgements file for split 'test'"),
    ("\n      - {{name: t, type: retrieval, files: {{test: {d}/rerank.jsonl}}, beir: {d}/beir}}\n",
     "files", "methods.0.tasks.0.files", "does not apply to retrieval tasks"),
    ("\n      - {{name: t, type: retrieval, beir: {d}/nowhere}}\n", "nowhere",
     "methods.0.tasks.0.beir", "file not found: {d}/nowhere/corpus.jsonl"),
    ("\n      - {{name: t, type: reranking, files: {{test: {d}/plain/queries.csv}}}}\n", "queries",
     "methods.0.tasks.0.files.test", "no column 'query' (a reranking file has query, positive, "
     "negative"),
    ("\n      - {{name: t, type: reranking, files: {{test: {d}/rerank.jsonl}}, subsets: [ja]}}\n",
     "subsets", "methods.0.tasks.0.subsets", "applies to named tasks only"),
]


@pytest.mark.parametrize("tasks, needle, field, message", BAD_SPECS)
def test_retrieval_spec_problem_is_one_line_at_validate(write_suite, tiny_bert, data, capsys,
                                                        tasks, needle, field, message):
    path = write_suite(SUITE.format(model=tiny_bert, extra="", tasks=tasks.format(d=data)))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"harness: error: {path}:{_line_of(path, needle)}: {field}: "), err
    assert message.format(d=data) in err[0], err


def test_reranking_row_problems(tmp_path, tiny_bert, capsys):
    rows = [{"query": "where is the bakery", "positive": ["the bakery is on main street"],
             "negative": ["the river is wide"]},
            {"query": "what does the museum show", "positive": [], "negative": ["a map"]},
            {"query": "which bridge", "positive": ["a stone bridge"], "negative": ["a stone bridge"]}]
    for i, message in ((1, "rerank.jsonl row 2: no positive passage"),
                       (2, "rerank.jsonl row 2: passage 'a stone bridge' is both positive and "
                           "negative")):
        rd.write_jsonl(tmp_path / "rerank.jsonl", [rows[0], rows[i]])
        tasks = f"\n      - {{name: r, type: reranking, files: {{test: {tmp_path}/rerank.jsonl}}}}\n"
        path = tmp_path / "suite.yaml"
        path.write_text(SUITE.format(model=tiny_bert, extra="", tasks=tasks), encoding="utf-8")
        assert main(["validate", str(path)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and message in err[0], err


def test_validate_reads_beir_and_reranking(write_suite, tiny_bert, data, capsys):
    path = write_suite(SUITE.format(model=tiny_bert, extra="", tasks=retrieval_tasks(data)))
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "mteb task faq: local retrieval; corpus 119, queries 30, test queries 30, " \
           "test judgements 60" in out
    # dev.tsv judges 5 queries only there: they are neither test queries nor unjudged ones
    assert "mteb task beir-faq: local retrieval; corpus 119, queries 30, test queries 25" in out
    assert "mteb task faq-rerank: local reranking; test queries 30, test passages" in out


# --- the search indexes against brute force ------------------------------------------------------

@pytest.mark.parametrize("similarity", ["cosine", "dot", "euclidean"])
def test_exact_index_equals_brute_force_across_chunks(monkeypatch, similarity):
    from harness.methods.mteb import search

    monkeypatch.setattr(search, "CHUNK", 37)  # the top-k merge across corpus blocks is exercised
    monkeypatch.setattr(search, "QUERY_CHUNK", 5)
    rng = np.random.default_rng(0)
    docs, queries = rng.normal(size=(200, 8)), rng.normal(size=(12, 8))
    index = search.ExactIndex(similarity, log := [])
    index.add_documents(docs, [f"d{i}" for i in range(200)])
    scores, idx = index.search(queries, 15, None)
    if similarity == "cosine":
        d = docs / np.linalg.norm(docs, axis=1, keepdims=True)
        q = queries / np.linalg.norm(queries, axis=1, keepdims=True)
        full = q @ d.T
    elif similarity == "dot":
        full = queries @ docs.T
    else:
        full = -np.linalg.norm(queries[:, None, :] - docs[None, :, :], axis=2)
    for row in range(len(queries)):
        assert idx[row] == list(np.argsort(-full[row], kind="stable")[:15])
        assert np.allclose(scores[row], np.sort(full[row])[::-1][:15], atol=1e-5)
    assert log[-1]["search"] == "exact" and log[-1]["corpus"] == 200
    ranked = {"q0": ["d5", "d1", "d7"]}
    s, i = index.search(queries[:1], 10, None, top_ranked=ranked, query_idx_to_id={0: "q0"})
    assert [ranked["q0"][j] for j in i[0]] == sorted(ranked["q0"], key=lambda d: -full[0, int(d[1:])])


def test_faiss_flat_equals_exact_and_hnsw_returns_k_hits():
    pytest.importorskip("faiss", reason="the [faiss] extra (faiss-cpu) is not installed")
    from harness.methods.mteb.search import ExactIndex, FaissIndex

    rng = np.random.default_rng(1)
    centres = rng.normal(size=(20, 16))
    docs = centres[rng.integers(0, 20, 3000)] + 0.3 * rng.normal(size=(3000, 16))
    queries = docs[:50] + 0.1 * rng.normal(size=(50, 16))
    ids = [str(i) for i in range(3000)]
    exact = ExactIndex("cosine", [])
    exact.add_documents(docs, ids)
    _, truth = exact.search(queries, 100, None)
    flat = FaissIndex("cosine", [], "Flat")
    flat.add_documents(docs, ids)
    _, found = flat.search(queries, 100, None)
    assert found == truth
    log = []
    hnsw = FaissIndex("cosine", log, "HNSW16")
    hnsw.add_documents(docs, ids)
    _, found = hnsw.search(queries, 100, None)  # efSearch 16 < k: raised to k, else ~16 hits
    assert all(len(f) == 100 for f in found)
    assert log[-1]["efSearch"] == 100 and log[-1]["search"] == "faiss HNSW16"
    assert np.mean([len(set(f[:10]) & set(t[:10])) / 10 for f, t in zip(found, truth)]) > 0.9


# --- end to end ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def runs(tmp_path_factory, tiny_bert, data):
    """The three tasks with exact search, then the same suite with search: auto and thresholds
    that send faq (119 passages, 30 queries) through FAISS (Flat: exact too) and leave beir-faq
    (25 test queries) exact, in the same results dir: new keys for the retrieval tasks, the
    same corpora."""
    root = tmp_path_factory.mktemp("retrieval-run")
    results = root / "results"
    codes = []
    auto = ("\n    search: auto\n    faiss_from: 100\n    faiss_from_queries: 28"
            "\n    faiss_index: Flat")
    for name, extra in (("exact", "\n    search: exact"), ("auto", auto)):
        suite = root / f"{name}.yaml"
        suite.write_text(SUITE.format(model=tiny_bert, extra=extra, tasks=retrieval_tasks(data)),
                         encoding="utf-8")
        before = set((results / "runs").glob("*.json"))
        codes.append(main(["run", str(suite), "--results-dir", str(results)]))
        (new,) = set((results / "runs").glob("*.json")) - before
        with open(results / "run_order.txt", "a", encoding="utf-8") as f:
            f.write(new.stem + "\n")
    return codes, results, root


EXPECTED = {"faq": ("Retrieval", "ndcg_at_10"), "beir-faq": ("Retrieval", "ndcg_at_10"),
            "faq-rerank": ("Reranking", "map_at_1000")}


def _search(record) -> dict:
    return next(e for e in record.log_history if "search" in e)


def _by_run(results) -> list[list]:
    """The records each run computed, in run order (the order the fixture saw the runs' files
    appear: two runs of tiny trials can start within one second, so started_at cannot tell)."""
    order = (results / "run_order.txt").read_text(encoding="utf-8").split()
    runs: dict[str, list] = {run_id: [] for run_id in order}
    for r in ResultsStore(results).records():
        runs[r.run_id].append(r)
    return list(runs.values())


@pytest.mark.slow  # end to end: mteb runs
def test_retrieval_and_reranking_scores_are_mtebs_own(runs, tiny_bert, data):
    import mteb
    import yaml

    from harness.methods.mteb.encoder import mteb_encoder
    from harness.methods.mteb.spec import MtebTaskSpec
    from harness.methods.mteb.tasks import build_task
    from harness.specs.model import ModelSpec

    codes, results, root = runs
    assert codes == [0, 0]
    records = _by_run(results)[0]
    assert sorted(r.dataset_name for r in records) == sorted(EXPECTED)
    suite = yaml.safe_load((root / "exact.yaml").read_text())
    for r in records:
        assert r.status == "ok", r.error
        task_type, score = EXPECTED[r.dataset_name]
        assert (r.embedding.task_type, r.embedding.main_score_name) == (task_type, score)
        scores = r.metrics["test"]
        assert scores["main_score"] == scores[score] and len(scores) > 120  # every number kept
        assert r.cache_hits == {"embeddings": False}
        # mteb's own evaluation of the very same task object, its default search path
        spec = MtebTaskSpec(**next(t for t in suite["methods"][0]["tasks"]
                                   if t["name"] == r.dataset_name))
        encoder, _ = mteb_encoder(ModelSpec(**suite["models"][0]), r.config["model"], "mean", "cpu")
        direct = mteb.evaluate(encoder, build_task(spec, r.config["task"]["fingerprint"]),
                               cache=None, show_progress_bar=False,
                               encode_kwargs={"batch_size": 16, "show_progress_bar": False})
        theirs = direct.task_results[0].scores["test"][0]
        compared = [k for k, v in scores.items() if v is not None and isinstance(theirs.get(k), float)
                    and not math.isnan(theirs[k])]
        assert len(compared) > 100
        assert all(scores[k] == pytest.approx(theirs[k], abs=1e-6) for k in compared), r.dataset_name
        view = json.loads((results / r.artifacts["queries"]).read_text())["views"][0]
        assert view["queries"] == {"faq": 30, "beir-faq": 25, "faq-rerank": 30}[r.dataset_name]
        worst = view["worst"][0]
        assert worst["score"] == min(view["per_query"].values()) and worst["gold"]
        assert worst["retrieved"][0]["text"] and worst["query"]


@pytest.mark.slow  # end to end: mteb runs
def test_second_run_reads_the_corpus_from_the_cache(runs):
    _, results, _ = runs
    first, second = ({r.dataset_name: r for r in run} for run in _by_run(results))
    assert sorted(second) == ["beir-faq", "faq"]  # reranking never searches a corpus: same key
    assert _search(second["faq"])["search"] == "faiss Flat"  # 119 passages, 30 queries
    assert _search(second["beir-faq"])["search"] == "exact"  # 25 queries < faiss_from_queries
    for name, r in second.items():
        assert r.cache_hits == {"embeddings": True}
        encodes = [e for e in r.log_history if "encode" in e]
        assert [e["encode"] for e in encodes] == ["document", "query"]
        assert all(e["cache_hit"] for e in encodes)
        assert r.key != first[name].key
        assert r.metrics["test"]["ndcg_at_10"] == first[name].metrics["test"]["ndcg_at_10"]
    cached = list((results / "cache" / "embeddings").glob("*.npy"))
    assert len(cached) == 6  # 3 corpora + 3 query sets, each encoded once


@pytest.mark.slow  # end to end: mteb runs
def test_report_has_retrieval_columns_and_worst_queries_in_html_only(runs, capsys):
    _, results, _ = runs
    assert main(["report", str(results), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (row,) = out["tables"]["embeddings"]
    assert {"faq", "beir-faq", "faq-rerank", "mean Retrieval", "mean Reranking",
            "mean (task type)", "mean", "rank"} <= set(row)
    assert row["mean Retrieval"] == pytest.approx((row["faq"] + row["beir-faq"]) / 2)
    assert row["mean (task type)"] == pytest.approx((row["mean Retrieval"] + row["faq-rerank"]) / 2)
    assert any("ndcg_at_10 (faq, beir-faq)" in n for n in out["notes"]["embeddings"])
    assert any("faiss Flat" in n for n in out["notes"]["embeddings"])
    worst = out["tables"]["worst_queries"]
    assert {w["task"] for w in worst} == {"faq", "beir-faq", "faq-rerank"}
    assert all(w["query"] and w["gold passage"] for w in worst)
    assert main(["report", str(results)]) == 0
    md = capsys.readouterr().out
    assert "## MTEB tasks: main score" in md and "Worst queries" not in md
    assert main(["report", str(results), "--format", "html", "-o", str(results / "r.html")]) == 0
    html = (results / "r.html").read_text()
    assert "Worst queries of the best model per retrieval or reranking task" in html
    assert worst[0]["query"] in html.replace("&#x27;", "'")


# --- named retrieval tasks: mteb's own task classes, data from the HF cache -----------------------

# The commits mteb 2.26.24 pins (a local git repo cannot reproduce them).
PINNED = {"JaGovFaqsRetrieval": ("mteb/JaGovFaqsRetrieval",
                                 "0726b2af53c907628067871e2e7c84e0d8e099c2"),
          "MIRACLRetrieval": ("mteb/MIRACLRetrieval", "9c09abc13478308c27598f350e31d8f06b9b5481")}


@pytest.fixture
def named_snapshots(tmp_path, monkeypatch):
    """JaGovFaqsRetrieval and MIRACLRetrieval (subset ja) with small generated data, as HF cache
    snapshots at the commits mteb pins, laid out as their hub repos are (configs corpus, queries,
    default; ja-corpus, ja-queries, ja-qrels): what `harness fetch` leaves. No network."""
    from hub_repos import cache_snapshot, dataset_files
    from huggingface_hub import constants

    import harness.hub.revisions as revisions
    import harness.hub.snapshot as snapshot

    hub = tmp_path / "hub"
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hub))
    monkeypatch.setattr(revisions, "_MEMO", {})
    monkeypatch.setattr(revisions, "_FAILED", {})
    monkeypatch.setattr(snapshot, "_DONE", {})
    for name, prefix, split, seed in (("JaGovFaqsRetrieval", "", "test", 3),
                                      ("MIRACLRetrieval", "ja-", "dev", 4)):
        configs = {config: {split: rows} for config, (split, rows)
                   in rd.hub_retrieval_configs(prefix, split, seed).items()}
        cache_snapshot(hub, "dataset", *PINNED[name], dataset_files(configs))
    return hub


NAMED = "\n      - JaGovFaqsRetrieval\n      - {name: MIRACLRetrieval, subsets: [ja]}\n"


@pytest.mark.slow  # end to end: mteb runs
def test_named_retrieval_tasks_run_like_local_ones(tmp_path, tiny_bert, named_snapshots, capsys):
    path = tmp_path / "named.yaml"
    path.write_text(SUITE.format(model=tiny_bert, extra="", tasks=NAMED), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert ("mteb task JaGovFaqsRetrieval: in mteb's registry; data mteb/JaGovFaqsRetrieval@"
            "0726b2af53c9 (pinned by mteb) in the HF cache") in out
    results = tmp_path / "results"
    assert main(["run", str(path), "--results-dir", str(results)]) == 0
    records = {r.dataset_name: r for r in ResultsStore(results).records()}
    assert sorted(records) == ["JaGovFaqsRetrieval", "MIRACLRetrieval"]
    for name, split in (("JaGovFaqsRetrieval", "test"), ("MIRACLRetrieval", "dev")):
        r = records[name]
        assert r.status == "ok", r.error
        assert (r.embedding.task_type, r.embedding.main_score_name) == ("Retrieval", "ndcg_at_10")
        assert r.embedding.eval_split == split and 0 <= r.metrics[split]["ndcg_at_10"] <= 1
        assert r.config["task"].get("subsets") == (["ja"] if name == "MIRACLRetrieval" else None)
        assert r.config["method"]["search"]["search"] == "auto"  # a named task may search
        views = json.loads((results / r.artifacts["queries"]).read_text())["views"]
        assert [v["subset"] for v in views] == (["ja"] if name == "MIRACLRetrieval" else ["default"])
    capsys.readouterr()
    assert main(["report", str(results), "--format", "json"]) == 0
    worst = json.loads(capsys.readouterr().out)["tables"]["worst_queries"]
    assert {w["task"] for w in worst} == {"JaGovFaqsRetrieval", "MIRACLRetrieval [ja]"}


def test_named_task_subset_is_checked_at_validate(write_suite, tiny_bert, capsys):
    pytest.importorskip("mteb", reason="the [embeddings] extra (mteb) is not installed")
    path = write_suite(SUITE.format(model=tiny_bert, extra="",
                                    tasks="\n      - {name: MIRACLRetrieval, subsets: [jp]}\n"))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"harness: error: {path}:{_line_of(path, 'MIRACL')}: "
                             "methods.0.tasks.0.subsets: MIRACLRetrieval has no subset 'jp' "
                             "(subsets: ar, bn, de, en, es"), err


def test_faiss_search_without_faiss_is_one_line_at_validate(write_suite, tiny_bert, data, capsys,
                                                            monkeypatch):
    from harness.methods.mteb import checks

    monkeypatch.setattr(checks, "_has_faiss", lambda: False)  # as without the [faiss] extra
    path = write_suite(SUITE.format(model=tiny_bert, extra="\n    search: faiss",
                                    tasks=retrieval_tasks(data)))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"harness: error: {path}:{_line_of(path, 'search:')}: methods.0.search: "
                   "searching faq, beir-faq through FAISS needs faiss: pip install "
                   "'harness[faiss]'"], err
    # auto: the same corpora stay below faiss_from, so nothing is asked of faiss
    path = write_suite(SUITE.format(model=tiny_bert, extra="", tasks=retrieval_tasks(data)))
    assert main(["validate", str(path)]) == 0
