"""tfidf: TF-IDF + logistic regression without a model. Plan expansion and keys, runs on English
word n-grams and on Japanese character n-grams and MeCab words, leaderboard and significance
rows like any method, bad input at validate time. About 4 s: no model is trained or loaded."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pandas as pd
import pytest
from conftest import tiny_suite

from harness.cli import main
from harness.plan.trials import build_plan
from harness.store.store import ResultsStore
from harness.suite.loader import load_suite

TFIDF = """methods:
  - finetune
  - type: tfidf
    features: [word, {analyzer: char_wb, ngram_range: [2, 4]}]
"""


def test_plan_expands_feature_sets_and_seeds_and_keeps_other_keys(write_suite, tiny_bert,
                                                                  english_data):
    plain = build_plan(load_suite(write_suite(tiny_suite(tiny_bert, english_data, seeds=(1, 2)),
                                              "a.yaml")).suite)
    both = build_plan(load_suite(write_suite(tiny_suite(tiny_bert, english_data, seeds=(1, 2))
                                             + TFIDF, "b.yaml")).suite)
    tfidf = [t for t in both if t.method == "tfidf"]
    assert [(t.variant, t.seed) for t in tfidf] == [("word 1-2", 1), ("word 1-2", 2),
                                                    ("char_wb 2-4", 1), ("char_wb 2-4", 2)]
    assert all(t.model is None and t.scheduler is None for t in tfidf)
    assert [t.method for t in both[:5]] == ["majority"] + ["tfidf"] * 4  # model-free first
    assert {t.key for t in plain} <= {t.key for t in both}  # adding tfidf changes no other key
    material = tfidf[2].key_material
    assert material["method"]["features"]["ngram_range"] == [2, 4]
    assert set(material["packages"]) == {"scikit-learn"} and "model" not in material
    assert len({t.key for t in tfidf}) == 4


@pytest.fixture(scope="module")
def english_run(tmp_path_factory, tiny_bert, english_data):
    root = tmp_path_factory.mktemp("tfidf")
    suite = root / "suite.yaml"
    suite.write_text(tiny_suite(tiny_bert, english_data, seeds=(1, 2))
                     + TFIDF.replace("  - finetune\n", ""), encoding="utf-8")
    code = main(["run", str(suite), "--results-dir", str(root / "results")])
    return code, root / "results"


def test_english_words_beat_the_majority_and_predictions_are_in_row_order(english_run,
                                                                         english_data):
    code, results = english_run
    assert code == 0
    records = ResultsStore(results).records()
    majority = next(r for r in records if r.method == "majority")
    tfidf = [r for r in records if r.method == "tfidf"]
    assert len(tfidf) == 4 and all(r.status == "ok" for r in tfidf)
    labels = pd.read_csv(english_data / "test.csv")["label"].map(
        {"sports": 0, "food": 1, "weather": 2}).to_numpy()
    for r in tfidf:
        assert r.metrics["test"]["mcc"] > majority.metrics["test"]["mcc"] + 0.5, r.trial_id
        assert r.model_name is None and r.tokenizer_fit is None and r.model_facts is None
        with np.load(results / r.artifacts["predictions"]) as z:
            assert np.array_equal(z["label_ids"], labels)
            assert np.allclose(z["probabilities"].sum(axis=1), 1.0, atol=1e-5)


def test_rows_in_leaderboard_and_significance(english_run, capsys):
    _, results = english_run
    assert main(["report", str(results), "--format", "json", "--no-plots"]) == 0
    tables = json.loads(capsys.readouterr().out)["tables"]
    methods = [row["method"] for row in tables["leaderboard"]]
    assert methods[-1] == "majority" and {"tfidf (word 1-2)", "tfidf (char_wb 2-4)"} <= set(methods)
    pairs = {(row["a"], row["b"]) for row in tables["significance"]}
    assert any("tfidf" in a and b == "majority" for a, b in pairs), pairs


def test_japanese_characters_and_mecab_words(tmp_path, tiny_bert, japanese_data):
    pytest.importorskip("fugashi", reason="the [ja] extra (fugashi) is not installed")
    pytest.importorskip("unidic_lite", reason="the [ja] extra (unidic-lite) is not installed")
    suite = tmp_path / "ja.yaml"
    suite.write_text(f"""
name: ja
models: [{{path: {tiny_bert}}}]
datasets:
  - name: reviews
    files: {{train: {japanese_data}/train.tsv, test: {japanese_data}/test.tsv}}
    label_names: [positive, negative]
    validation_size: 0
methods:
  - type: tfidf
    features: [{{analyzer: char, ngram_range: [1, 3]}}, mecab]
seeds: [1]
""", encoding="utf-8")
    assert main(["run", str(suite), "--results-dir", str(tmp_path / "r")]) == 0
    records = ResultsStore(tmp_path / "r").records()
    majority = next(r for r in records if r.method == "majority").metrics["test"]["accuracy"]
    scores = {r.trial_id.split("__")[2]: r.metrics["test"]["accuracy"]
              for r in records if r.method == "tfidf"}
    assert set(scores) == {"char-1-3", "mecab-1-2"}
    assert all(score > majority + 0.3 for score in scores.values()), (scores, majority)
    mecab = next(r for r in records if "mecab" in r.trial_id)
    assert mecab.config["packages"]["fugashi"] and mecab.config["packages"]["unidic-lite"]


@pytest.mark.parametrize("methods, field, message", [
    ("[{type: tfidf, features: [{analyzer: word, ngram_range: [3, 1]}]}]",
     "methods.0.features.0.ngram_range", "needs 1 <= smallest <= largest, got [3, 1]"),
    ("[{type: tfidf, features: [char, char]}]", "methods.0.features.1",
     "repeats feature set 'char 1-2'"),
    ("[{type: tfidf, features: [words]}]", "methods.0.features.0.analyzer", "got 'words'"),
])
def test_bad_input_is_one_line(write_suite, tiny_bert, english_data, capsys, methods, field,
                               message):
    suite = write_suite(tiny_suite(tiny_bert, english_data) + f"methods: {methods}\n")
    assert main(["validate", str(suite)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f": {field}: " in err[0] and message in err[0], err


def test_mecab_without_fugashi_is_a_validate_error(write_suite, tiny_bert, english_data, capsys,
                                                   monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "fugashi" else real(name, *a))
    suite = write_suite(tiny_suite(tiny_bert, english_data) + "methods: [{type: tfidf, "
                                                              "features: [word, mecab]}]\n")
    assert main(["validate", str(suite)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "methods.0.features.1.analyzer: MeCab words need fugashi" in err[0]
