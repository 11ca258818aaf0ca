"""normalized_text: a normalised string whose characters know their source span."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.tasks.normalized_text import AlignmentError, compose, identity, nfkc, normalized


def spans(m):
    return list(zip(m.text, m.starts, m.ends))


def test_unchanged_text_maps_one_to_one():
    m = normalized("梅雨は日本", nfkc)
    assert m == identity("梅雨は日本")


def test_full_width_characters_map_one_to_one():
    m = normalized("ＡＢ（つ）", nfkc)
    assert m.text == "AB(つ)"
    assert m.starts == (0, 1, 2, 3, 4) and m.ends == (1, 2, 3, 4, 5)


def test_half_width_voiced_kana_take_both_source_characters():
    m = normalized("xｶﾞｷﾞy", nfkc)
    assert m.text == "xガギy"
    assert spans(m) == [("x", 0, 1), ("ガ", 1, 3), ("ギ", 3, 5), ("y", 5, 6)]


def test_one_character_that_expands_maps_every_output_to_it():
    m = normalized("a㌔b", nfkc)
    assert m.text == "aキロb"
    assert spans(m)[1:3] == [("キ", 1, 2), ("ロ", 1, 2)]
    assert m.source_span(1, 3) == (1, 2)


def test_combining_mark_joins_its_base():
    nfc = lambda s: unicodedata.normalize("NFC", s)  # noqa: E731
    m = normalized("cafe\u0301!", nfc)
    assert m.text == "café!"
    assert spans(m)[3] == ("é", 3, 5) and spans(m)[4] == ("!", 5, 6)


def test_characters_removed_by_the_normaliser_map_nowhere():
    drop = lambda s: s.replace("\x07", "")  # noqa: E731
    m = normalized("a\x07b", drop)
    assert m.text == "ab" and spans(m) == [("a", 0, 1), ("b", 2, 3)]


def test_compose_maps_through_two_views():
    outer = normalized("ｶﾞ㌔", nfkc)          # ガキロ over the source
    inner = normalized(outer.text, str.lower)  # same characters
    both = compose(outer, inner)
    assert both.text == "ガキロ" and both.starts == (0, 2, 2) and both.ends == (2, 3, 3)


def test_characters_a_normaliser_reorders_share_one_span():
    m = normalized("xab", lambda s: s.replace("ab", "ba"))
    assert m.text == "xba" and spans(m) == [("x", 0, 1), ("b", 1, 3), ("a", 1, 3)]


def test_a_normaliser_that_acts_on_the_whole_only_is_refused():
    shout = lambda s: s.upper() if len(s) > 2 else s  # noqa: E731
    with pytest.raises(AlignmentError, match="in pieces differs"):
        normalized("abc", shout)


ALPHABET = "aAｱｶﾞﾟﾞ゙㌔①Ａｂ é\u0301\u3099か　梅\u212b"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=12))
def test_any_mix_of_composing_characters_maps_back(text):
    m = normalized(text, nfkc)
    assert m.text == nfkc(text)
    assert all(s < e for s, e in zip(m.starts, m.ends))
    assert list(m.starts) == sorted(m.starts)
    for ch, s, e in spans(m):  # each character comes out of the source span it names
        assert ch in nfkc(text[s:e])
