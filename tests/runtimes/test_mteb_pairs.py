"""STS and pair-classification trials store per-pair similarities, so runtime rows get the paired
test over the pairs (slow: mteb on a tiny BERT through onnx); the fast average precision equals
scikit-learn's (fast)."""

from __future__ import annotations

import json
import random
import shutil

import numpy as np
import pytest
import tiny_models
from conftest import write_csv

from harness.methods.mteb.per_pair import average_precision, load_view, recompute, statistic


@pytest.mark.parametrize("seed", range(5))
def test_average_precision_is_scikit_learns(seed):
    from sklearn.metrics import average_precision_score

    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 300)
    scores = np.round(rng.normal(size=300) + y, 1)  # many ties
    assert average_precision(y, scores) == pytest.approx(average_precision_score(y, scores),
                                                         abs=1e-12)
    assert average_precision(np.zeros(5), np.arange(5.0)) is None


def test_statistic_names_the_series_of_each_main_score():
    assert statistic("STS", "cosine_spearman")[0] == ["cosine_scores"]
    assert statistic("STS", "euclidean_pearson")[0] == ["euclidean_distances"]
    assert statistic("STS", "spearman")[0] == ["similarity_scores", "cosine_scores"]
    assert len(statistic("PairClassification", "max_ap")[0]) == 5
    assert statistic("PairClassification", "cosine_ap")[0] == ["cosine_scores"]
    assert statistic("PairClassification", "max_accuracy") is None  # a tuned threshold


@pytest.fixture(scope="module")
def pair_run(tmp_path_factory, tiny_bert):
    pytest.importorskip("mteb", reason="the [embeddings] extra (mteb) is not installed")
    pytest.importorskip("onnxruntime", reason="the [runtimes] extra is not installed")
    from harness.cli import main

    root = tmp_path_factory.mktemp("mteb-pairs")
    texts, labels = tiny_models.english_texts(n=240, seed=3)
    rng = random.Random(1)
    pairs, sts = [], []
    for _ in range(150):
        a, b = rng.sample(range(len(texts)), 2)
        same = labels[a] == labels[b]
        pairs.append({"s1": texts[a], "s2": texts[b], "match": "yes" if same else "no"})
        sts.append({"sentence1": texts[a], "sentence2": texts[b],
                    "label": round(rng.uniform(3, 5) if same else rng.uniform(0, 2), 2)})
    write_csv(root / "pairs.csv", pairs)
    write_csv(root / "sts.csv", sts)
    suite = root / "suite.yaml"
    suite.write_text(f"""
name: pairs
models:
  - name: tiny
    path: {tiny_bert}
    max_length: 32
methods:
  - type: mteb
    batch_size: 32
    tasks:
      - name: topics-sts
        type: sts
        files: {{test: {root}/sts.csv}}
        text_column: sentence1
        text_pair_column: sentence2
      - name: topics-pairs
        type: pair_classification
        files: {{test: {root}/pairs.csv}}
        text_column: s1
        text_pair_column: s2
        label_column: match
        positive_label: "yes"
runtimes: [torch, onnx]
""", encoding="utf-8")
    code = main(["run", str(suite), "--results-dir", str(root / "results")])
    return code, root / "results"


@pytest.mark.slow  # mteb STS and pair classification on a tiny BERT, torch and ONNX Runtime
def test_stored_pairs_give_back_mtebs_main_score(pair_run):
    from harness.store.store import ResultsStore

    code, results = pair_run
    assert code == 0
    records = ResultsStore(results).records()
    assert len(records) == 4 and all(r.status == "ok" for r in records)
    for r in records:
        view = load_view(results / r.artifacts["pairs"], "test")
        assert view["pairs"] == 150 and len(view["gold"]) == 150
        main = r.metrics["test"]["main_score"]
        assert recompute(view, r.embedding.task_type, r.embedding.main_score_name) == \
            pytest.approx(main, abs=1e-9), r.trial_id
    assert not (results / "mteb" / "predictions").exists() or \
        not any((results / "mteb" / "predictions").iterdir())


@pytest.mark.slow  # reads the run above
def test_sts_and_pair_rows_get_the_paired_test(pair_run, tmp_path):
    from harness.reports.context import load_context
    from harness.reports.runtimes import runtime_rows
    from harness.store.store import ResultsStore

    _, results = pair_run
    rows = {r["dataset"]: r for r in runtime_rows(load_context(results, n_boot=300), 300)}
    for task in ("topics-sts", "topics-pairs"):
        row = rows[task]
        assert row["verdict"] == "not significant (paired bootstrap over 150 pairs)", row
        assert row["ci95_low"] <= row["diff"] <= row["ci95_high"]
        assert row["agreement"] > 0.999  # fp32 ONNX Runtime: the same similarities
    # a runtime whose similarities lost their order is significantly worse, by the same rule
    copy = tmp_path / "results"
    shutil.copytree(results, copy)
    onnx = next(r for r in ResultsStore(copy).records()
                if r.runtime and r.dataset_name == "topics-sts")
    path = copy / onnx.artifacts["pairs"]
    doc = json.loads(path.read_text(encoding="utf-8"))
    cos = doc["views"][0]["series"]["cosine_scores"]
    doc["views"][0]["series"]["cosine_scores"] = list(np.random.default_rng(0).permutation(cos))
    path.write_text(json.dumps(doc), encoding="utf-8")
    row = next(r for r in runtime_rows(load_context(copy, n_boot=300), 300)
               if r["dataset"] == "topics-sts")
    assert row["significant"] and row["ci95_high"] < 0, row
