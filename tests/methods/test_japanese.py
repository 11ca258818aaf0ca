"""The Japanese tokenizer path (BertJapaneseTokenizer over fugashi + unidic-lite) end to end, and
the one-line error when fugashi is missing."""

from __future__ import annotations

import importlib.util

import pytest

from harness.cli import main
from harness.store.store import ResultsStore


def ja_suite(model, data) -> str:
    return f"""
name: ja-tiny
models:
  - name: tiny-ja
    path: {model}
    max_length: 32
datasets:
  - name: ja-sentiment
    files: {{train: {data}/train.tsv, test: {data}/test.tsv}}
    label_names: [positive, negative]
    positive_label: positive
    validation_size: 0.1
training:
  epochs: 6
  learning_rate: 3.0e-3
  batch_size: 16
  eval_strategy: epoch
  load_best_model_at_end: true
  lr_scheduler_type: [linear]
metrics: [accuracy, f1, f1_macro, mcc]
main_metric: f1_macro
seeds: [3]
"""


@pytest.mark.slow  # end to end: trains tiny models
def test_japanese_tokenizer_end_to_end(tiny_japanese_bert, japanese_data, tmp_path, capsys):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_japanese_bert)
    assert type(tok).__name__ == "BertJapaneseTokenizer"
    assert "映画" in tok.convert_ids_to_tokens(tok("この映画はとても面白かった")["input_ids"])
    suite = tmp_path / "ja.yaml"
    suite.write_text(ja_suite(tiny_japanese_bert, japanese_data), encoding="utf-8")
    assert main(["validate", str(suite)]) == 0
    results = tmp_path / "results"
    assert main(["run", str(suite), "--results-dir", str(results)]) == 0
    out = capsys.readouterr().out
    assert "| ja-sentiment | tiny-ja" in out
    records = {r.method: r for r in ResultsStore(results).records()}
    ft = records["finetune"]
    assert ft.status == "ok"
    assert set(ft.metrics) == {"validation", "test"}  # eval during training, best model kept
    assert ft.metrics["test"]["f1"] is not None  # binary: positive label given
    assert ft.metrics["test"]["mcc"] > records["majority"].metrics["test"]["mcc"]
    assert any("eval_f1_macro" in e for e in ft.log_history)
    assert ft.environment.packages["fugashi"]


def test_missing_fugashi_names_the_extra(tiny_japanese_bert, japanese_data, tmp_path, capsys,
                                         monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "fugashi" else real(name, *a))
    suite = tmp_path / "ja.yaml"
    suite.write_text(ja_suite(tiny_japanese_bert, japanese_data), encoding="utf-8")
    for argv in (["validate", str(suite)], ["run", str(suite), "--results-dir", str(tmp_path / "r")]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1
        assert ":5: models.0.path: its BertJapaneseTokenizer needs fugashi: pip install 'harness[ja]'" \
            in err[0]
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("dic", ["ipadic"])
def test_ipadic_tokenizer_builds(tmp_path, dic):
    pytest.importorskip("ipadic", reason="the [ja] extra (ipadic) is not installed")
    import tiny_models
    from transformers import AutoTokenizer

    texts, _ = tiny_models.japanese_texts(n=50)
    model = tiny_models.make_tiny_japanese_bert(tmp_path / "m", texts, dic=dic)
    tok = AutoTokenizer.from_pretrained(model)
    assert tok.word_tokenizer.__class__.__name__ == "MecabTokenizer"
