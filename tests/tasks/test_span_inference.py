"""Span models on new inputs (harness predict's path): answers are the context's own characters,
entities come back as character spans, whatever the (untrained, tiny) model outputs."""

from __future__ import annotations

import pytest

from harness.tasks.extractive_qa.inference import answer_questions
from harness.tasks.extractive_qa.windows import WindowSettings
from harness.tasks.token_classification.inference import tag_sentences

CONTEXT = "梅雨 [SEP] " + "東京タワーは東京都港区にある電波塔である。" * 5 + "小笠原諸島は東京都に属する。"


@pytest.mark.parametrize("kind", ["unidic-wordpiece", "unidic-character"])
def test_answers_are_spans_of_their_context(tiny_span_berts, kind):
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    path = tiny_span_berts[kind]
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForQuestionAnswering.from_pretrained(path).eval()
    contexts = [CONTEXT, "大阪は日本の都市。"]
    answers = answer_questions(model, tok, ["どこにある？", "大阪とは？"], contexts,
                               WindowSettings(max_length=40, doc_stride=8, max_query_length=8),
                               max_answer_length=5)
    for answer, context in zip(answers, contexts):
        assert answer.text and answer.text == context[answer.start:answer.end]
        assert "[SEP]" not in answer.text


def test_tags_are_character_spans(tiny_span_berts):
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    path = tiny_span_berts["ipadic-wordpiece"]
    types = ["人名", "地名"]
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForTokenClassification.from_pretrained(path, num_labels=5).eval()
    texts = ["山田太郎は大阪に住んでいる。", "東京。"]
    for text, ents in zip(texts, tag_sentences(model, tok, texts, types, 32, False)):
        for e in ents:
            assert 0 <= e["start"] < e["end"] <= len(text) and e["type"] in types
