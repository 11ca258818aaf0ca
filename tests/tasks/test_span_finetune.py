"""Span tasks end to end with tiny MeCab BERTs (unidic-lite and ipadic, built offline from
tests/tiny_models.py): fine-tune through the Trainer, score, store, recompute the record's
numbers from the stored predictions with independent implementations, answer / tag with the
saved model, and reuse the tokenized windows on a rerun."""

from __future__ import annotations

import json

import pytest
from span_recompute import recomputed
from tiny_models import japanese_ner_rows, japanese_qa_rows

from harness.cli import main
from harness.store.store import ResultsStore

KINDS = {"unidic_lite": "unidic-wordpiece", "ipadic": "ipadic-wordpiece"}


def squad_json(rows: list[dict]) -> dict:
    """Rows as SQuAD v1.1 JSON, one article per context."""
    return {"version": "v1.1", "data": [{"title": r["context"].split(" [SEP] ")[0], "paragraphs": [
        {"context": r["context"], "qas": [{"id": r["id"], "question": r["question"],
                                           "is_impossible": False,
                                           "answers": [{"text": t, "answer_start": s} for t, s in
                                                       zip(r["answers"]["text"],
                                                           r["answers"]["answer_start"])]}]}]}
        for r in rows]}


def suite(model, dataset: str, extra: str, epochs: int = 8, scheduler: str = "linear") -> str:
    return f"""
name: span-tiny
models:
  - name: tiny
    path: {model}
    max_length: 64
datasets:
{dataset}
training:
  epochs: {epochs}
  learning_rate: 3.0e-3
  batch_size: 16
  eval_batch_size: 32
  lr_scheduler_type: [{scheduler}]
  save_model: true
{extra}
seeds: [3]
"""


def run(tmp_path, text: str, name: str) -> tuple[dict, ResultsStore]:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    results = tmp_path / name
    assert main(["run", str(path), "--results-dir", str(results)]) == 0
    store = ResultsStore(results)
    return {r.method: r for r in store.records()}, store


@pytest.mark.slow  # reason: fine-tunes a tiny MeCab BERT on QA (12 epochs + 1, ~45 s on 2 cores)
@pytest.mark.parametrize("dic", list(KINDS))
def test_tiny_mecab_bert_learns_extractive_qa(dic, tiny_span_berts, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path / "cache"))
    rows = japanese_qa_rows(560, seed=1)
    (tmp_path / "train.json").write_text(json.dumps(squad_json(rows[:500]), ensure_ascii=False),
                                         encoding="utf-8")
    (tmp_path / "test.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                                                 for r in rows[500:]), encoding="utf-8")
    dataset = f"""  - name: tiny-qa
    files: {{train: {tmp_path}/train.json, test: {tmp_path}/test.jsonl}}
    doc_stride: 16
    max_query_length: 16
    validation_size: 0.1"""
    # constant lr: the tiny model finds the question-to-sentence link after ~8 epochs (a linear
    # decay over 10 left unidic-lite's at F1 0.34: always the same slot)
    text = suite(tiny_span_berts[KINDS[dic]], dataset, "  eval_strategy: epoch", epochs=12,
                 scheduler="constant")
    records, store = run(tmp_path, text, "first")
    ft, base = records["finetune"], records["majority"]
    assert ft.status == "ok" and ft.task_type == "extractive_qa" and ft.main_metric == "f1"
    assert set(ft.metrics["test"]) == {"f1", "exact_match"}
    assert ft.metrics["test"]["f1"] > base.metrics["test"]["f1"] + 0.2  # learned to locate
    assert any("eval_f1" in e for e in ft.log_history)  # validation during training, EM/F1
    assert ft.timing.tokenize_s is not None and ft.timing.decode_s is not None

    # the record's EM / F1 from the stored predictions, by the reference transcriptions
    arrays = store.read_predictions(ft)
    y, p = arrays["label_ids"], arrays["predictions"]
    assert len(y) == 60 and all(t["normalization"] == "jglue" for t in y)
    for record in (ft, base):
        again = recomputed(store, record)
        for key in ("exact_match", "f1"):
            assert again[key] == pytest.approx(record.metrics["test"][key], rel=1e-12, abs=0)
    for t, a in zip(y, p):  # answers are the context's own characters
        assert a["text"] == t["context"][a["start"]:a["end"]]

    # harness predict answers a question over a context
    capsys.readouterr()
    row = rows[540]
    assert main(["predict", str(tmp_path / "first"), "--best", "--format", "json",
                 f"{row['question']} ||| {row['context']}"]) == 0
    answer = json.loads(capsys.readouterr().out)["predictions"][0]["answer"]
    assert answer["text"] == row["context"][answer["start"]:answer["end"]]

    # the HTML page shows the worst questions of the best row (a detail view: not in markdown)
    page = tmp_path / "report.html"
    assert main(["report", str(tmp_path / "first"), "--no-plots", "--format", "html",
                 "--output", str(page)]) == 0
    assert "answered worst" in page.read_text(encoding="utf-8")
    assert main(["report", str(tmp_path / "first"), "--no-plots"]) == 0
    markdown = capsys.readouterr().out
    assert "answered worst" not in markdown and "answer normalisation" in markdown

    # a rerun (another results dir, the same HARNESS_CACHE; one epoch) reads the windows from
    # the tokenize cache
    records, _ = run(tmp_path, text.replace("epochs: 12", "epochs: 1"), "second")
    assert records["finetune"].cache_hits == {"tokenized": True}
    assert ft.cache_hits == {"tokenized": False}


@pytest.mark.slow  # reason: fine-tunes a tiny MeCab BERT on NER (~20 s on 2 cores)
@pytest.mark.parametrize("dic", list(KINDS))
def test_tiny_mecab_bert_learns_ner(dic, tiny_span_berts, tmp_path, capsys):
    train = japanese_ner_rows(300, seed=1)
    test = japanese_ner_rows(60, seed=2)
    for name, rows in (("train", train), ("test", test)):
        (tmp_path / f"{name}.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    dataset = f"""  - name: tiny-ner
    files: {{train: {tmp_path}/train.json, test: {tmp_path}/test.json}}
    validation_size: 0"""
    records, store = run(tmp_path, suite(tiny_span_berts[KINDS[dic]], dataset, ""), "ner")
    ft = records["finetune"]
    assert ft.status == "ok" and ft.task_type == "token_classification"
    assert ft.label_names[:3] == ["O", "B-人名", "I-人名"]
    assert ft.metrics["test"]["entity_f1"] > 0.8

    # seqeval on the stored predictions reproduces the record (the model's and the dictionary's)
    for record in (ft, records["majority"]):
        again = recomputed(store, record)
        for key in ("entity_precision", "entity_recall", "entity_f1"):
            assert again[key] == pytest.approx(record.metrics["test"][key], rel=0, abs=1e-12)

    capsys.readouterr()
    assert main(["predict", str(tmp_path / "ner"), "--best", "--format", "json",
                 "佐藤花子は京都の東西電機で働く。"]) == 0
    found = json.loads(capsys.readouterr().out)["predictions"][0]["entities"]
    assert all(e["text"] == "佐藤花子は京都の東西電機で働く。"[e["start"]:e["end"]] for e in found)
    assert main(["report", str(tmp_path / "ner"), "--no-plots"]) == 0
    out = capsys.readouterr().out
    assert "entity scores per type" in out and "all (micro)" in out
    assert "(all-O) scores entity F1 0 by definition" in out
