"""Character offsets: fast tokenizers' own, BertJapaneseTokenizer's aligned by harness."""

from __future__ import annotations

import unicodedata

import pytest
from conftest import cached_tokenizer

from harness.tasks.normalized_text import AlignmentError
from harness.tasks.offsets import encode_texts, offsets_source, span_tokens
from harness.tasks.pair_template import PairTemplate
from harness.tasks.python_offsets import Aligner

TRICKY = [
    "梅雨 [SEP] 梅雨（つゆ、ばいう）は、北海道と小笠原諸島を除く日本。",
    "ＡＢＣ放送とｶﾞｷﾞの㌔、①番目。",  # NFKC: full width, half-width voiced kana, ㌔ -> キロ
    "Café au lait は 　全角スペース\tタブ\n改行のある文。",
    "未知の字：鬱蒼、𠮷野家、😀。",  # characters no tiny vocab holds: [UNK]
    "[CLS]で始まり[SEP]を二度[SEP]含む",
    "",
    "   ",
]


def tokenizer(path):
    return cached_tokenizer(path)


@pytest.fixture(scope="module")
def mecab(tiny_span_berts):
    return {name: tokenizer(path) for name, path in tiny_span_berts.items()}


@pytest.mark.parametrize("kind", ["unidic-wordpiece", "ipadic-wordpiece", "unidic-character"])
def test_aligned_tokens_are_the_tokenizers_own(mecab, kind):
    tok = mecab[kind]
    assert offsets_source(tok) == "aligned"
    assert tok(TRICKY[0], return_offsets_mapping=True).get("offset_mapping") is None  # the trap
    for text, enc in zip(TRICKY, encode_texts(tok, TRICKY)):
        assert enc.ids == tok(text, add_special_tokens=False)["input_ids"], text


@pytest.mark.parametrize("kind", ["unidic-wordpiece", "ipadic-wordpiece", "unidic-character"])
def test_each_aligned_token_spans_the_characters_it_came_from(mecab, kind):
    tok = mecab[kind]
    aligner = Aligner(tok)
    for text in TRICKY:
        a = aligner.align(text)
        previous_end = 0
        for token, (s, e) in zip(a.tokens, a.offsets):
            assert 0 <= s < e <= len(text) and s >= previous_end - 1, (token, s, e)
            source = unicodedata.normalize("NFKC", text[s:e])
            if token == tok.unk_token:
                assert source.strip() and not any(c.isspace() for c in source)
            elif a.tokens.count(token) and token in tok.all_special_tokens:
                assert text[s:e] == token  # "[SEP]" written in the text
            else:
                assert token.removeprefix("##") in source, (token, text[s:e])
            previous_end = e
        covered = {i for s, e in a.offsets for i in range(s, e)}
        assert all(text[i].isspace() for i in range(len(text)) if i not in covered), text


def test_nfkc_compositions_keep_true_spans(mecab):
    text = TRICKY[1]
    enc = encode_texts(mecab["unidic-character"], [text])[0]
    tokens = mecab["unidic-character"].convert_ids_to_tokens(enc.ids)
    pairs = list(zip(tokens, (text[s:e] for s, e in enc.offsets)))
    assert ("ガ", "ｶﾞ") in pairs and ("ギ", "ｷﾞ") in pairs
    assert ("キ", "㌔") in pairs and ("ロ", "㌔") in pairs  # one source character, two tokens
    assert ("A", "Ａ") in pairs and ("1", "①") in pairs


def test_unknown_word_is_one_unk_over_the_whole_word(mecab):
    tok = mecab["unidic-wordpiece"]
    text = TRICKY[3]
    a = Aligner(tok).align(text)
    unk = [text[s:e] for t, (s, e) in zip(a.tokens, a.offsets) if t == tok.unk_token]
    assert unk and all(len(w) >= 1 for w in unk)
    assert "".join(unk) in text or all(w in text for w in unk)
    char = Aligner(mecab["unidic-character"]).align(text)
    assert all(e - s == 1 or text[s:e] == "𠮷" for t, (s, e) in zip(char.tokens, char.offsets)
               if t == tok.unk_token)


def test_separator_written_in_a_context_is_a_special_token_with_its_span(mecab, minilm_dir):
    text = TRICKY[0]
    for tok in (mecab["ipadic-wordpiece"], tokenizer(minilm_dir)):
        enc = encode_texts(tok, [text])[0]
        seps = [i for i, s in enumerate(enc.special) if s]
        assert [enc.offsets[i] for i in seps] == [(3, 8)]
        assert enc.ids[seps[0]] == tok.sep_token_id
        assert enc.words[seps[0]] is None


def test_unk_is_not_special(minilm_dir):
    tok = tokenizer(minilm_dir)
    enc = encode_texts(tok, ["梅雨"])[0]  # MiniLM's English vocab has neither kanji
    assert enc.ids == [tok.unk_token_id] * 2 and enc.special == [False, False]
    assert enc.offsets == [(0, 1), (1, 2)]


def test_fast_tokenizer_reports_its_own_offsets(minilm_dir):
    tok = tokenizer(minilm_dir)
    assert offsets_source(tok) == "tokenizer"
    text = "Café au Lait, ロジック"
    enc = encode_texts(tok, [text])[0]
    pieces = tok.convert_ids_to_tokens(enc.ids)
    assert list(zip(pieces, (text[s:e] for s, e in enc.offsets)))[:2] == [("cafe", "Café"),
                                                                          ("au", "au")]
    assert enc.words[:3] == [0, 1, 2]


def test_basic_word_tokenizer_lowercases_and_strips_accents(minilm_dir):
    from transformers import BertJapaneseTokenizer

    tok = BertJapaneseTokenizer(str(minilm_dir / "vocab.txt"), do_lower_case=True,
                                word_tokenizer_type="basic")
    text = "Ｃａｆé  AU\x07 lait, naïve ÉCOLE"
    a = Aligner(tok).align(text)
    assert a.tokens == tok.tokenize(text)
    assert list(zip(a.tokens, (text[s:e] for s, e in a.offsets))) == [
        ("[UNK]", "Ｃａｆé"),  # no NFKC here: full-width letters are unknown, the word is [UNK]
        ("au", "AU"), ("lai", "lai"), ("##t", "t"), (",", ","), ("naive", "naïve"),
        ("ecole", "ÉCOLE")]


def test_other_python_tokenizers_are_refused_in_one_sentence():
    fake = type("SlowThing", (), {"is_fast": False})()
    with pytest.raises(AlignmentError, match="SlowThing is a Python tokenizer without offsets"):
        offsets_source(fake)


def test_span_tokens_expressible_and_not(mecab):
    tok = mecab["unidic-character"]
    text = "東京タワーは東京都港区にある。"
    enc = encode_texts(tok, [text])[0]
    assert span_tokens(enc, 0, 5, text) is not None
    first, last = span_tokens(enc, 0, 5, text)
    assert text[enc.offsets[first][0]:enc.offsets[last][1]] == "東京タワー"
    wordpiece = encode_texts(mecab["unidic-wordpiece"], [text])[0]
    inside = [(s, e) for s, e in wordpiece.offsets if e - s > 1][0]
    assert span_tokens(wordpiece, inside[0] + 1, inside[1], text) is None  # starts inside a token
    padded = " 東京 "
    enc = encode_texts(tok, [padded])[0]
    assert span_tokens(enc, 0, 4, padded) is not None  # whitespace at the ends is ignored


@pytest.mark.parametrize("which", ["minilm", "ipadic-wordpiece"])
def test_pair_template_rebuilds_the_tokenizers_pair_encoding(which, mecab, minilm_dir):
    tok = tokenizer(minilm_dir) if which == "minilm" else mecab[which]
    template = PairTemplate.probe(tok)
    q, c = "梅雨はいつ？", "東京タワーは東京都港区にある。"
    a = tok(q, add_special_tokens=False)["input_ids"]
    b = tok(c, add_special_tokens=False)["input_ids"]
    ids, types, first = template.build_pair(a, b)
    want = tok(q, c, return_token_type_ids=True)
    assert ids == want["input_ids"] and types == want["token_type_ids"]
    assert ids[first:first + len(b)] == b and template.cls_index == 0
    single, single_types, start = template.build_single(b)
    want = tok(c, return_token_type_ids=True)
    assert single == want["input_ids"] and single_types == want["token_type_ids"] and start == 1
