"""Extractive-QA data: SQuAD JSON and flat rows to canonical rows; bad input in one line."""

from __future__ import annotations

import json

import pytest
import span_data
from conftest import SHARED_DATA

from harness.data.load import DataError
from harness.tasks.extractive_qa.reading import QAColumns, read_file

CONTEXT = "梅雨 [SEP] 梅雨（つゆ、ばいう）は、北海道と小笠原諸島を除く日本の気象現象。"


def squad(*qas, context=CONTEXT) -> dict:
    return {"version": "v1.1", "data": [{"title": "梅雨", "paragraphs": [
        {"context": context, "qas": list(qas)}]}]}


def qa(qid="q1", question="どこか。", answers=None, **extra) -> dict:
    answers = answers if answers is not None else [{"text": "小笠原諸島", "answer_start": 25}]
    return {"id": qid, "question": question, "answers": answers, **extra}


def write(tmp_path, obj, name="valid.json") -> str:
    path = tmp_path / name
    if isinstance(obj, list):
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in obj), encoding="utf-8")
    else:
        path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return str(path)


def read(path, fmt="json"):
    return read_file(path, fmt, "files.train")


def test_squad_json_gives_canonical_rows(tmp_path):
    ds = read(write(tmp_path, squad(qa(), qa("q2", answers=[
        {"text": "梅雨", "answer_start": 0}, {"text": "北海道", "answer_start": 21}]))))
    assert ds.column_names == ["id", "question", "context", "answers"]
    assert ds[1]["answers"] == {"text": ["梅雨", "北海道"], "answer_start": [0, 21]}
    assert ds[0]["context"] == CONTEXT  # the title prefix stays, offsets true


def test_flat_rows_with_answers_as_struct_or_list(tmp_path):
    rows = [{"qid": 7, "q": "どこか。", "c": CONTEXT,
             "a": {"text": ["小笠原諸島"], "answer_start": [25]}}]
    path = write(tmp_path, rows, "rows.jsonl")
    ds = read_file(path, "jsonl", "files.test", QAColumns("qid", "q", "c", "a"))
    assert ds[0]["id"] == "7" and ds[0]["answers"]["answer_start"] == [25]


@pytest.mark.parametrize("bad, message", [
    (qa(answers=[{"text": "小笠原諸島", "answer_start": 24}]),
     "data[0].paragraphs[0].qas[0] (id 'q1'): answer 1 '小笠原諸島' is not at answer_start 24 "
     "(the context has 'と小笠原諸' there)"),
    (qa(answers=[{"text": "小笠原諸島", "answer_start": 999}]),
     "answer 1 '小笠原諸島' is not at answer_start 999 (the context has 41 characters)"),
    (qa(answers=[]), "(id 'q1'): unanswerable question (no answers)"),
    (qa(is_impossible=True), "unanswerable question (is_impossible: true)"),
    (qa(question="  "), "(id 'q1'): empty question"),
    (qa(answers=[{"text": "", "answer_start": 0}]), "answer 1 has no text"),
    (qa(answers=[{"text": "梅雨", "answer_start": "0"}]), "answer_start '0' is not a character index"),
])
def test_bad_questions_are_one_line_naming_file_and_question(tmp_path, bad, message):
    path = write(tmp_path, squad(bad))
    with pytest.raises(DataError) as e:
        read(path)
    assert message in e.value.message and e.value.message.startswith(path)
    assert "\n" not in e.value.message and e.value.field == "files.train"


def test_empty_context_and_duplicate_ids(tmp_path):
    with pytest.raises(DataError, match=r"qas\[0\] \(id 'q1'\): empty context"):
        read(write(tmp_path, squad(qa(answers=[{"text": "x", "answer_start": 0}]), context=" ")))
    with pytest.raises(DataError, match=r"qas\[1\] \(id 'q1'\): duplicate id \(also data\[0\]"):
        read(write(tmp_path, squad(qa(), qa())))


def test_flat_row_errors_name_the_row(tmp_path):
    rows = [{"id": "a", "question": "q", "context": "abc", "answers": {"text": ["b"], "answer_start": [1]}},
            {"id": "b", "question": "q", "context": "abc", "answers": {"text": ["b"], "answer_start": [0]}}]
    path = write(tmp_path, rows, "rows.jsonl")
    with pytest.raises(DataError, match=r"rows.jsonl row 2 \(id 'b'\): answer 1 'b' is not at "
                                        r"answer_start 0"):
        read_file(path, "jsonl", "files.train")
    rows[1]["answers"] = {"text": ["b", "c"], "answer_start": [1]}
    with pytest.raises(DataError, match="row 2 .*2 texts but 1 answer_start values"):
        read_file(write(tmp_path, rows, "rows.jsonl"), "jsonl", "files.train")


def test_missing_column_is_named(tmp_path):
    path = write(tmp_path, [{"id": "a", "question": "q", "text": "abc"}], "rows.jsonl")
    with pytest.raises(DataError, match="no context column 'context' \\(columns: id, question, text\\)"):
        read_file(path, "jsonl", "files.train")


@pytest.mark.slow  # reason: reads and checks both JSQuAD files whole (8,862 questions, ~2 s)
def test_every_shared_jsquad_question_reads():
    for split, n in (("valid", 4442), ("test", 4420)):
        path = span_data.jsquad_file(SHARED_DATA, split)
        if not path.is_file():
            pytest.skip(f"shared JSQuAD not found at {path}")
        ds = read(str(path))
        assert len(ds) == n and ds[0]["context"].startswith(ds[0]["context"].split(" [SEP] ")[0])
