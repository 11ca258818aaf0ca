"""Extractive-QA EM/F1 against independent re-implementations of the official SQuAD v1.1
script and of JGLUE's patched metric (tests/qa_reference_metrics.py)."""

from __future__ import annotations

import pytest
import span_data
from conftest import SHARED_DATA
from hypothesis import given, settings
from hypothesis import strategies as st
from qa_reference_metrics import REFERENCES

from harness.metrics.answers import (
    detect_normalization,
    normalize_jglue,
    normalize_squad,
    question_scores,
    score,
)
from harness.tasks.extractive_qa.baseline import overlap_answer

PIECES = ["The", "the", "a", "An", "cat", "Cat.", ",", "!", "。", "。。", "東京", "タワー", " ",
          "  ", "\t", "an", "theory", "小笠原諸島", "（", "）", "A", "-", "'s", ""]
answer = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)


def test_normalisations_do_what_they_declare():
    assert normalize_squad("The  Cat's hat!") == "cats hat"
    assert normalize_squad("an theory") == "theory"  # articles as words only
    assert normalize_jglue("The  Cat's hat!") == "the cat's hat!"
    assert normalize_jglue("東京タワー。。") == "東京タワー"
    assert normalize_jglue("東京。タワー") == "東京。タワー"  # only a trailing 。


def test_character_f1_credits_partial_japanese_answers():
    em, f1 = question_scores("小笠原諸島を", ["小笠原諸島"], "jglue")
    assert em == 0.0 and f1 == pytest.approx(2 * (5 / 6) * 1 / (5 / 6 + 1))
    assert question_scores("小笠原諸島を", ["小笠原諸島"], "squad") == (0.0, 0.0)  # one "word"


def test_max_over_gold_answers():
    assert question_scores("梅雨", ["梅雨前線", "梅雨"], "jglue") == (1.0, 1.0)


@pytest.mark.parametrize("normalization", ["squad", "jglue"])
@settings(max_examples=200, deadline=None)
@given(pred=answer, golds=st.lists(answer, min_size=1, max_size=3))
def test_per_question_scores_equal_the_reference(normalization, pred, golds):
    ref = REFERENCES[normalization]
    em, f1 = question_scores(pred, golds, normalization)
    ref_em, ref_f1 = ref.per_question(pred, golds)
    assert em == float(ref_em) and f1 == float(ref_f1)


def test_detects_japanese_data():
    assert detect_normalization(["梅雨は日本の気象現象。"])[0] == "jglue"
    choice, why = detect_normalization(["The rainy season in Japan."])
    assert choice == "squad" and "0%" in why


@pytest.fixture(scope="module")
def jsquad_baseline():
    """(gold answers, baseline predictions) by question id, a quarter of JSQuAD valid."""
    path = span_data.jsquad_file(SHARED_DATA, "valid")
    if not path.is_file():
        pytest.skip(f"shared JSQuAD not found at {path}")
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    golds, preds = {}, {}
    for article in data["data"][::4]:
        for para in article["paragraphs"]:
            for qa in para["qas"]:
                golds[qa["id"]] = [a["text"] for a in qa["answers"]]
                preds[qa["id"]] = overlap_answer(qa["question"], para["context"]).text
    return golds, preds


@pytest.mark.parametrize("normalization", ["squad", "jglue"])
def test_jsquad_means_equal_the_reference_scripts(normalization, jsquad_baseline):
    golds, preds = jsquad_baseline
    ours = score([preds[q] for q in golds], list(golds.values()), normalization)
    ref = REFERENCES[normalization].evaluate(golds, preds)
    for key in ("exact_match", "f1"):
        # the scripts print percents: 100 * sum / total; harness keeps sum / total
        assert 100 * getattr(ours, key) == pytest.approx(ref[key], rel=1e-12, abs=0)
    per = [REFERENCES[normalization].per_question(preds[q], golds[q]) for q in golds]
    assert ours.per_question == [(float(em), float(f1)) for em, f1 in per]
