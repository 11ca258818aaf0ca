"""mteb method with local tasks of every supported type on a tiny BERT (no hub), the record and
report mapping, and bad input at validate time."""

from __future__ import annotations

import json
import random

import pytest
import tiny_models
from conftest import write_csv

from harness.cli import main
from harness.store.store import ResultsStore

pytest.importorskip("mteb", reason="the [embeddings] extra (mteb) is not installed")


@pytest.fixture(scope="module")
def task_files(tmp_path_factory):
    """Small local files for classification, pair classification, STS and clustering."""
    root = tmp_path_factory.mktemp("mteb-data")
    texts, labels = tiny_models.english_texts(n=240, seed=1)
    rows = [{"sentence": t, "topic": lab} for t, lab in zip(texts, labels)]
    write_csv(root / "cls_train.csv", rows[:180])
    write_csv(root / "cls_test.csv", rows[180:])
    rng = random.Random(0)
    pairs, sts = [], []
    for i in range(120):
        a, b = rng.sample(range(len(texts)), 2)
        same = labels[a] == labels[b]
        pairs.append({"s1": texts[a], "s2": texts[b], "match": "yes" if same else "no"})
        sts.append({"sentence1": texts[a], "sentence2": texts[b],
                    "label": round(rng.uniform(3, 5) if same else rng.uniform(0, 2), 2)})
    write_csv(root / "pairs.csv", pairs)
    with open(root / "sts.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in sts)
    write_csv(root / "clusters.tsv", [{"text": t, "label": lab} for t, lab in
                                      zip(texts[:90], labels[:90])], delimiter="\t")
    return root


def mteb_suite(model, data, tasks: str | None = None) -> str:
    tasks = tasks or f"""
      - name: topics-cls
        type: classification
        files: {{train: {data}/cls_train.csv, test: {data}/cls_test.csv}}
        text_column: sentence
        label_column: topic
        n_experiments: 2
      - name: topics-pairs
        type: pair_classification
        files: {{test: {data}/pairs.csv}}
        text_column: s1
        text_pair_column: s2
        label_column: match
        positive_label: "yes"
      - name: topics-sts
        type: sts
        files: {{validation: {data}/sts.jsonl}}
        text_column: sentence1
        text_pair_column: sentence2
        eval_splits: [validation]
      - name: topics-clusters
        type: clustering
        files: {{test: {data}/clusters.tsv}}
"""
    return f"""
name: mteb-tiny
models:
  - name: tiny
    path: {model}
    max_length: 32
methods:
  - type: mteb
    batch_size: 16
    tasks:{tasks}
"""


@pytest.fixture(scope="module")
def mteb_run(tmp_path_factory, tiny_bert, task_files):
    root = tmp_path_factory.mktemp("mteb-run")
    suite = root / "suite.yaml"
    suite.write_text(mteb_suite(tiny_bert, task_files), encoding="utf-8")
    code = main(["run", str(suite), "--results-dir", str(root / "results")])
    return code, root / "results"


EXPECTED = {"topics-cls": ("Classification", "accuracy", "test"),
            "topics-pairs": ("PairClassification", "max_ap", "test"),
            "topics-sts": ("STS", "cosine_spearman", "validation"),
            "topics-clusters": ("Clustering", "v_measure", "test")}


@pytest.mark.slow  # end to end: mteb runs
def test_every_local_task_type_runs_and_maps_scores(mteb_run):
    code, results = mteb_run
    records = ResultsStore(results).records()
    assert all(r.status == "ok" for r in records), [r.error for r in records if r.error]
    assert code == 0
    assert sorted(r.dataset_name for r in records) == sorted(EXPECTED)  # no majority baseline
    for r in records:
        task_type, score, split = EXPECTED[r.dataset_name]
        assert r.method == "mteb" and r.model_name == "tiny"
        assert r.embedding.task_type == task_type and r.embedding.main_score_name == score
        assert r.embedding.eval_split == split and r.embedding.pooling == "mean"
        scores = r.metrics[split]
        assert scores["main_score"] == scores[score]
        assert -1.0 <= scores["main_score"] <= 1.0
        # mteb's own result JSON beside the record, filed under this model's own name/revision
        path = results / r.artifacts["mteb_result"]
        assert path.is_file() and "harness__tiny" in path.as_posix()
        stored = json.loads(path.read_text(encoding="utf-8"))
        assert stored["task_name"] == r.dataset_name
        assert stored["scores"][split][0]["main_score"] == pytest.approx(scores["main_score"])
    sts = next(r for r in records if r.dataset_name == "topics-sts").metrics["validation"]
    assert {"cosine_pearson", "manhattan_spearman", "euclidean_spearman"} <= set(sts)


@pytest.mark.slow  # end to end: mteb runs
def test_report_has_an_mteb_table_and_no_classification_rows(mteb_run, capsys):
    _, results = mteb_run
    assert main(["report", str(results), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "leaderboard" not in out["tables"]  # no classification rows: no empty table
    assert "cost" not in out["tables"]
    (row,) = out["tables"]["embeddings"]
    records = {r.dataset_name: r for r in ResultsStore(results).records()}
    for task in EXPECTED:
        assert row[task] == pytest.approx(records[task].metrics[EXPECTED[task][2]]["main_score"])
    assert row["mean"] == pytest.approx(sum(row[t] for t in EXPECTED) / 4)
    assert row["mean STS"] == pytest.approx(row["topics-sts"]) and row["rank"] == 1
    assert main(["report", str(results)]) == 0
    md = capsys.readouterr().out
    assert "## MTEB tasks: main score" in md and "| tiny " in md
    assert main(["report", str(results), "--format", "csv"]) == 0
    assert "model,topics-cls,topics-pairs" in capsys.readouterr().out


@pytest.mark.slow  # end to end: mteb runs
def test_two_local_models_never_share_mteb_cache(tmp_path, tiny_bert, task_files):
    """The cache trap: a second local model must get its own score, not the first one's."""
    import shutil

    other = tmp_path / "tiny2"
    shutil.copytree(tiny_bert, other)
    cfg = json.loads((other / "config.json").read_text())
    cfg["initializer_range"] = 0.5  # a different model (content hash); weights re-drawn below
    (other / "config.json").write_text(json.dumps(cfg))
    import torch
    from transformers import BertModel
    torch.manual_seed(7)
    BertModel(BertModel.config_class.from_pretrained(other)).save_pretrained(other)
    tasks = f"""
      - name: topics-sts
        type: sts
        files: {{validation: {task_files}/sts.jsonl}}
        text_pair_column: sentence2
        text_column: sentence1
        eval_splits: [validation]
"""
    suite = mteb_suite(tiny_bert, task_files, tasks).replace(
        "    max_length: 32\n", f"    max_length: 32\n  - name: tiny2\n    path: {other}\n    max_length: 32\n", 1)
    path = tmp_path / "s.yaml"
    path.write_text(suite, encoding="utf-8")
    assert main(["run", str(path), "--results-dir", str(tmp_path / "r")]) == 0
    scores = {r.model_name: r.metrics["validation"]["main_score"]
              for r in ResultsStore(tmp_path / "r").records()}
    assert set(scores) == {"tiny", "tiny2"} and scores["tiny"] != scores["tiny2"]


def _line_of(path, needle: str) -> int:
    return next(i for i, t in enumerate(path.read_text().splitlines(), 1) if needle in t)


@pytest.mark.parametrize("tasks, needle, field, message", [
    ("\n      - JSTS\n      - JSTZ\n", "- JSTZ", "methods.0.tasks.1.name",
     "unknown MTEB task: 'JSTZ' not found. Did you mean: 'JSTS'?"),
    ("\n      - {{name: t, type: regression, files: {{test: {d}/sts.jsonl}}}}\n", "regression",
     "methods.0.tasks.0.type", "should be 'classification', 'pair_classification', 'sts', "
     "'clustering', 'retrieval' or 'reranking'"),
    ("\n      - name: t\n        type: sts\n        files: {{test: {d}/sts.jsonl}}\n"
     "        text_column: sentence1\n        text_pair_column: second\n", "text_pair_column",
     "methods.0.tasks.0.text_pair_column", "column 'second' not in split test (columns: "
     "sentence1, sentence2, label)"),
    ("\n      - name: t\n        type: classification\n        files: {{train: {d}/cls_train.csv, "
     "test: {d}/cls_test.csv}}\n        text_column: sentence\n", "      - name: t",
     "methods.0.tasks.0.label_column", "column 'label' not in split train"),
    ("\n      - name: t\n        type: sts\n        files: {{test: {d}/nope.jsonl}}\n"
     "        text_pair_column: b\n", "files:", "methods.0.tasks.0.files.test", "file not found"),
    ("\n      - name: t\n        type: classification\n        files: {{test: {d}/cls_test.csv}}\n",
     "files:", "methods.0.tasks.0.files", "has no file for split 'train'"),
    ("\n      - {{name: JSTS, files: {{test: x.csv}}}}\n", "JSTS", "methods.0.tasks.0.files",
     "applies to local tasks only"),
    ("\n      - name: t\n        type: sts\n        files: {{test: {d}/sts.jsonl}}\n"
     "        text_column: sentence1\n        text_pair_column: sentence2\n"
     "        main_score: accuracy\n", "main_score", "methods.0.tasks.0.main_score",
     "'accuracy' is not a sts score"),
])
def test_mteb_bad_input_is_one_line_at_validate(write_suite, tiny_bert, task_files, capsys, tasks,
                                                needle, field, message):
    path = write_suite(mteb_suite(tiny_bert, task_files, tasks.format(d=task_files)))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"harness: error: {path}:{_line_of(path, needle)}: {field}: "), err
    assert message in err[0], err


def test_mteb_only_suite_needs_no_datasets_but_others_do(write_suite, tiny_bert, english_data, capsys):
    path = write_suite(f"name: x\nmodels:\n  - path: {tiny_bert}\nmethods: [probe]\n")
    assert main(["validate", str(path)]) == 2
    assert "datasets: needs at least one dataset" in capsys.readouterr().err
