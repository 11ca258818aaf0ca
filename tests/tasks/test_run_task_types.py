"""One suite with a classification, a regression and a multiple-choice dataset, fine-tuned end
to end on the tiny BERT: each trial runs its dataset's task type, stores predictions that
reproduce its record's scores (recomputed here with scipy and with numpy alone), and the report has a
leaderboard per task type, the overview across datasets and the published row."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from scipy import stats

from harness.cli import main
from harness.store.store import ResultsStore


def _pair(store, record):
    """(truth, predictions) as stored beside the record."""
    arrays = store.read_predictions(record)
    return arrays["label_ids"], arrays["predictions"]


def _suite(model, task_data, english_data) -> str:
    return f"""
name: tasks
models:
  - name: tiny
    path: {model}
    max_length: 48
datasets:
  - name: topics
    files: {{train: {english_data}/train.csv, validation: {english_data}/validation.csv,
             test: {english_data}/test.csv}}
    label_names: [sports, food, weather]
  - name: sts
    files: {{train: {task_data}/sts/train.csv, validation: {task_data}/sts/validation.csv,
             test: {task_data}/sts/test.csv}}
    text_column: sentence1
    text_pair_column: sentence2
    label_column: score
    label_range: [0, 5]
  - name: choice
    files: {{train: {task_data}/choice/train.jsonl, validation: {task_data}/choice/validation.jsonl,
             test: {task_data}/choice/test.jsonl}}
    text_column: question
methods: [finetune, probe]
training:
  epochs: 2
  learning_rate: 3.0e-3
  batch_size: 16
  save_model: true
seeds: [1, 2]
references:
  - label: A published tiny
    source: made up for this test
    split: validation
    model: tiny
    scores: {{sts: {{pearson: 0.9, spearman: 0.85}}, choice: {{accuracy: 0.7}}}}
"""


def _ranks(x: np.ndarray) -> np.ndarray:
    """Average ranks (ties share the mean of their positions), 1-based."""
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    xs = x[order]
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and xs[j + 1] == xs[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def _pearson(a, b) -> float:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


@pytest.mark.slow  # fine-tunes the tiny BERT on three task types (12 trials, ~30 s)
def test_three_task_types_in_one_suite(tiny_bert, task_data, english_data, tmp_path, capsys):
    suite = tmp_path / "suite.yaml"
    suite.write_text(_suite(tiny_bert, task_data, english_data), encoding="utf-8")
    results = tmp_path / "results"
    assert main(["run", str(suite), "--results-dir", str(results)]) == 0
    out = capsys.readouterr().out
    store = ResultsStore(results)
    records = store.records()
    by_task = {}
    for r in records:
        by_task.setdefault((r.dataset_name, r.method), []).append(r)
    assert {r.task_type for r in records} == {"classification", "regression", "multiple_choice"}
    assert {(d, r.main_metric) for (d, _), rs in by_task.items() for r in rs} == {
        ("topics", "accuracy"), ("sts", "pearson"), ("choice", "accuracy")}
    assert ("choice", "probe") not in by_task  # the probe does not apply to multiple choice
    assert all(r.status == "ok" for r in records), [r.error for r in records if r.error]
    # regression: float predictions reproduce the record's Pearson and Spearman exactly
    for r in by_task[("sts", "finetune")] + by_task[("sts", "probe")]:
        y, p = _pair(store, r)
        assert y.dtype == np.float32 and p.dtype == np.float32 and y.shape == (60,)
        assert _pearson(y, p) == pytest.approx(r.metrics["test"]["pearson"], abs=1e-9)
        assert _pearson(_ranks(y), _ranks(p)) == pytest.approx(r.metrics["test"]["spearman"],
                                                                abs=1e-9)
        y64, p64 = y.astype(np.float64), p.astype(np.float64)  # scipy computes in the input's dtype
        assert stats.pearsonr(y64, p64).statistic == pytest.approx(r.metrics["test"]["pearson"],
                                                                   abs=1e-9)
        assert stats.spearmanr(y64, p64).statistic == pytest.approx(
            r.metrics["test"]["spearman"], abs=1e-9)
        assert float(np.mean((y.astype(np.float64) - p) ** 2)) == pytest.approx(
            r.metrics["test"]["mse"], rel=1e-6)
        assert r.metrics["validation"]["pearson"] is not None  # selection reads it
    (base,) = by_task[("sts", "majority")]
    y, p = _pair(store, base)
    assert np.unique(p).size == 1 and base.metrics["test"]["pearson"] is None
    # multiple choice: choice indices, accuracy recomputed
    for r in by_task[("choice", "finetune")]:
        y, p = _pair(store, r)
        assert set(np.unique(y)) <= {0, 1, 2} and set(np.unique(p)) <= {0, 1, 2}
        assert float((y == p).mean()) == pytest.approx(r.metrics["test"]["accuracy"])
        assert r.label_names == ["0", "1", "2"]
    # the report: a leaderboard per task type, the overview and the published row
    assert "leaderboard — regression" in out and "leaderboard — multiple_choice" in out
    assert "overview across datasets" in out and "*A published tiny*" in out
    assert re.search(r"\| sts +\| - +\| train mean +\| 1 +\| — +\| — +\| \d", out)
    assert main(["report", str(results), "--format", "json", "--no-plots",
                 "-o", str(tmp_path / "r.json")]) == 0
    tables = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["tables"]
    assert {"overview", "leaderboard", "leaderboard-regression",
            "leaderboard-multiple_choice"} <= set(tables)
    # predict: a saved regression model scores a test pair as its stored prediction did, and
    # a multiple-choice model picks one of the choices given
    (sts,) = [r for r in by_task[("sts", "finetune")] if r.seed == 1]
    import csv

    with open(task_data / "sts" / "test.csv", encoding="utf-8") as f:
        first = next(csv.DictReader(f))
    _, stored = _pair(store, sts)
    capsys.readouterr()
    assert main(["predict", str(results), "--trial", sts.trial_id, "--format", "json",
                 f"{first['sentence1']} ||| {first['sentence2']}"]) == 0
    said = json.loads(capsys.readouterr().out)["predictions"][0]
    assert said["score"] == pytest.approx(float(stored[0]), abs=1e-4)
    (choice,) = [r for r in by_task[("choice", "finetune")] if r.seed == 1]
    assert main(["predict", str(results), "--trial", choice.trial_id, "--format", "json",
                 "topic? spicy curry ||| weather ||| food ||| sports"]) == 0
    said = json.loads(capsys.readouterr().out)["predictions"][0]
    assert said["answer"] == ["weather", "food", "sports"][said["choice"]]
    assert sum(said["scores"]) == pytest.approx(1.0, abs=1e-5)
    # the model card's model-index names the task and the regression metrics
    from huggingface_hub import ModelCard

    card = ModelCard.load(results / sts.artifacts["model"] / "README.md")
    assert {(e.task_type, e.metric_type) for e in card.data.eval_results} == {
        ("text-classification", "pearsonr"), ("text-classification", "spearmanr"),
        ("text-classification", "mse")}
    assert "- task type: regression" in card.text and "train mean baseline" in card.text
    # a rerun reuses every trial
    assert main(["run", str(suite), "--results-dir", str(results)]) == 0
    again = capsys.readouterr().out
    assert f"harness: 0 trained, {len(records)} already done" in again
