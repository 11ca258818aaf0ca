"""Sliding windows, training labels and post-processing back to answer characters."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from conftest import cached_tokenizer
from hypothesis import given
from hypothesis import strategies as st

from harness.tasks.extractive_qa.postprocess import NO_ANSWER, best_answers, best_in_window
from harness.tasks.extractive_qa.reading import read_file
from harness.tasks.extractive_qa.windows import (
    END,
    EXAMPLE_ID,
    OFFSETS,
    START,
    WindowSettings,
    encode_questions,
    window_starts,
    windows_per_question,
)
from harness.tasks.offsets import encode_texts
from harness.tasks.pair_template import PairTemplate


@given(st.integers(0, 400), st.integers(2, 60), st.data())
def test_windows_cover_every_token_and_overlap_by_the_stride(n, capacity, data):
    stride = data.draw(st.integers(0, capacity - 1))
    starts = window_starts(n, capacity, stride)
    covered = {i for lo in starts for i in range(lo, min(lo + capacity, n))}
    assert covered == set(range(n))
    assert all(b - a == capacity - stride for a, b in zip(starts, starts[1:]))
    assert starts[-1] + capacity >= n and (len(starts) == 1 or starts[-2] + capacity < n)


def tokenizer(path):
    return cached_tokenizer(path)


def batch_of(rows: list[dict]) -> dict:
    return {k: [r[k] for r in rows] for k in rows[0]}


LONG = "梅雨 [SEP] " + "東京タワーは東京都港区にある電波塔である。" * 6 + "小笠原諸島は東京都に属する。"


def rows():
    start = LONG.index("小笠原諸島")
    return [{"id": "q1", "question": "東京都に属する島は？", "context": LONG,
             "answers": {"text": ["小笠原諸島"], "answer_start": [start]}},
            {"id": "q2", "question": "何の季節か", "context": LONG,
             "answers": {"text": ["梅雨"], "answer_start": [0]}}]


@pytest.mark.parametrize("which", ["minilm", "unidic-wordpiece", "unidic-character"])
def test_features_carry_offsets_and_labels(which, tiny_span_berts, minilm_dir):
    tok = tokenizer(minilm_dir if which == "minilm" else tiny_span_berts[which])
    template = PairTemplate.probe(tok)
    settings = WindowSettings(max_length=48, doc_stride=16, max_query_length=12)
    out = encode_questions(batch_of(rows()), tok, template, settings)
    n = windows_per_question(batch_of(rows()), tok, template, settings)
    assert len(out["input_ids"]) == sum(n) and min(n) > 2
    context_len = len(encode_texts(tok, [LONG])[0])
    assert n[0] == len(window_starts(context_len, 48 - template.pair_overhead
                                     - len(tok(rows()[0]["question"], add_special_tokens=False)["input_ids"]), 16))
    for k, qid in enumerate(out[EXAMPLE_ID]):
        ids, offs = out["input_ids"][k], out[OFFSETS][k]
        assert len(ids) <= 48 and len(offs) == len(ids)
        for tid, (s, e) in zip(ids, offs):
            if s >= 0:
                assert tid != tok.sep_token_id and LONG[s:e].strip()
        answer = rows()[0] if qid == "q1" else rows()[1]
        start, end = out[START][k], out[END][k]
        if start == 0:
            assert end == 0
            continue
        text = LONG[offs[start][0]:offs[end][1]]
        assert text == answer["answers"]["text"][0]
    labelled = {qid for qid, s in zip(out[EXAMPLE_ID], out[START]) if s}
    assert labelled == {"q1", "q2"}  # each answer sits wholly in some window


def test_literal_separator_never_inside_an_answer():
    offsets = np.array([[-1, -1], [0, 2], [-1, -1], [9, 11], [11, 13]])
    start = np.array([0, 5.0, 0, 0, 0])
    end = np.array([0, 0, 0, 0, 6.0])  # best raw pair would span the separator
    answer = best_in_window(offsets, start, end, "梅雨 [SEP] 梅雨（つゆ", 20, 30)
    assert answer is not None and answer.text in ("梅雨", "（つ", "梅雨（つ")
    assert "[SEP]" not in answer.text


def test_best_answer_over_windows_and_empty_when_nothing_fits():
    context = "abcdefghij"
    ids = ["q", "q", "r"]
    offs = [[[-1, -1], [0, 1], [1, 2]], [[-1, -1], [5, 6], [6, 7]], [[-1, -1], [-1, -1]]]
    starts = [np.array([0, 1.0, 0]), np.array([0, 0, 3.0]), np.array([9.0, 9.0])]
    ends = [np.array([0, 0, 1.0]), np.array([0, 0, 3.0]), np.array([9.0, 9.0])]
    got = best_answers(ids, offs, starts, ends, {"q": context, "r": context})
    assert got["q"].text == "g" and (got["q"].start, got["q"].end) == (6, 7)
    assert got["r"] == NO_ANSWER and got["r"].as_json()["score"] is None


def test_max_answer_length_and_n_best():
    offs = np.array([[i, i + 1] for i in range(10)])
    start = np.arange(10, dtype=float)[::-1]   # best start: token 0
    end = np.arange(10, dtype=float)           # best end: token 9
    assert best_in_window(offs, start, end, "0123456789", 20, 30).text == "0123456789"
    assert best_in_window(offs, start, end, "0123456789", 20, 3).text in ("012", "789")
    # only the 2 best starts (0, 1) and ends (9, 8) are paired: none fits in 3 tokens
    assert best_in_window(offs, start, end, "0123456789", 2, 3) is None


@pytest.mark.parametrize("which", ["minilm", "ipadic-wordpiece"])
def test_oracle_logits_give_back_the_gold_answers_of_jsquad(which, shared_span_tokenizers,
                                                          minilm_dir):
    """Windows → one-hot logits at the training labels → post-processing: the gold answer text,
    for every question of a JSQuAD slice whose first answer the tokenizer can express."""
    import span_data
    from conftest import SHARED_DATA

    tok = tokenizer(minilm_dir if which == "minilm" else shared_span_tokenizers[which])
    batch = jsquad_slice(str(span_data.jsquad_file(SHARED_DATA, "valid")))
    template = PairTemplate.probe(tok)
    settings = WindowSettings(max_length=128, doc_stride=32)
    out = encode_questions(batch, tok, template, settings)
    lengths = [len(x) for x in out["input_ids"]]
    start = [np.eye(n)[s] if s else np.zeros(n) for n, s in zip(lengths, out[START])]
    end = [np.eye(n)[e] if e else np.zeros(n) for n, e in zip(lengths, out[END])]
    contexts = dict(zip(batch["id"], batch["context"]))
    got = best_answers(out[EXAMPLE_ID], out[OFFSETS], start, end, contexts)
    exact = sum(got[q].text == a["text"][0] for q, a in zip(batch["id"], batch["answers"]))
    assert len(batch["id"]) > 300 and exact >= 0.95 * len(batch["id"]), (exact, len(batch["id"]))


@functools.lru_cache(maxsize=None)
def jsquad_slice(path: str) -> dict:
    """Every 10th paragraph of a JSQuAD file (a SQuAD file of its own), read and checked by
    harness, as a batch."""
    import json
    import tempfile

    data = json.loads(open(path, encoding="utf-8").read())
    part = {"data": [{**a, "paragraphs": a["paragraphs"][::10]} for a in data["data"]]}
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as f:
        json.dump(part, f, ensure_ascii=False)
    return read_file(f.name, "json", "files.train")[:]


def test_qa_facts_count_inexpressible_answers_and_windows(tiny_span_berts):
    from harness.tasks.extractive_qa.facts import qa_facts
    from harness.tasks.extractive_qa.reading import to_dataset

    tok = tokenizer(tiny_span_berts["unidic-wordpiece"])
    rs = rows()
    inside = LONG.index("小笠原諸島") + 1  # starts inside a word: no token starts there
    rs.append({**rs[0], "id": "q3", "answers": {"text": [LONG[inside:inside + 3]],
                                                 "answer_start": [inside]}})
    facts = qa_facts(to_dataset(rs), tok, WindowSettings(max_length=48, doc_stride=16,
                                                         max_query_length=12))
    assert facts["answers"] == 3 and facts["inexpressible_answers"] == 1
    assert facts["questions"] == 3 and facts["windows_per_question_max"] > 2
    assert facts["offsets"] == "aligned"
