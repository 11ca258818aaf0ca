"""Token classification: reading spans and IOB2 word tags, units and labels, decoding, seqeval
scores, the dictionary baseline."""

from __future__ import annotations

import json
import random

import pytest
import span_data
from conftest import SHARED_DATA, cached_tokenizer

from harness.data.load import DataError, read_table
from harness.metrics import entities as metrics
from harness.tasks.offsets import encode_texts
from harness.tasks.token_classification.baseline import Dictionary
from harness.tasks.token_classification.reading import NERColumns, canonical, entity_types
from harness.tasks.token_classification.tags import (
    IGNORE,
    Units,
    decode,
    expressible,
    tag_names,
    token_labels,
    unit_tags,
)

TEXT = "山田太郎は株式会社サンプルの社長で、大阪に住んでいる。"
ENTS = [{"span": [0, 4], "type": "人名", "name": "山田太郎"},
        {"span": [5, 13], "type": "法人名"}, {"span": [18, 20], "type": "地名"}]


def load(tmp_path, rows, columns=NERColumns(), tag_names=None, name="ner.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    ds = read_table(str(path), "jsonl", "files.train", "split train")
    return canonical(ds, columns, str(path), "files.train", tag_names)


def test_spans_become_canonical_entities(tmp_path):
    ds = load(tmp_path, [{"text": TEXT, "entities": ENTS}, {"text": "何もない文。", "entities": []}])
    assert ds[0]["entities"][1] == {"start": 5, "end": 13, "type": "法人名"}
    assert ds[1]["entities"] == [] and ds[0]["words"] == []
    assert entity_types({"train": ds}, None) == ["人名", "地名", "法人名"]
    with pytest.raises(DataError, match="entity type '人名' is not one of label_names"):
        entity_types({"train": ds}, ["地名", "法人名"])


@pytest.mark.parametrize("entities, message", [
    ([{"span": [5, 99], "type": "地名"}], "row 1: entity 1 span [5, 99) is outside the text's 27 characters"),
    ([{"span": [3, 3], "type": "地名"}], "row 1: entity 1 span [3, 3) is empty"),
    ([{"span": [0, 4], "type": "人名"}, {"span": [2, 6], "type": "地名"}],
     "row 1: entity [2, 6) '太郎は株' overlaps [0, 4) '山田太郎'"),
    ([{"span": [0, 4], "type": "人名", "name": "山田"}], "name '山田' differs from its span's text '山田太郎'"),
    ([{"span": [0, 4]}], "entity 1 has no type"),
])
def test_bad_spans_are_one_line(tmp_path, entities, message):
    with pytest.raises(DataError) as e:
        load(tmp_path, [{"text": TEXT, "entities": entities}])
    assert message in e.value.message and str(tmp_path) in e.value.message


def test_word_tag_lists(tmp_path):
    rows = [{"tokens": ["John", "lives", "in", "New", "York"], "ner": ["B-PER", "O", "O", "B-LOC", "I-LOC"]},
            {"tokens": ["Hi"], "ner": [0]}]
    ds = load(tmp_path, rows, NERColumns(words="tokens", tags="ner"), tag_names=["O", "B-PER", "I-PER"])
    assert ds[0]["text"] == "John lives in New York"
    assert ds[0]["entities"] == [{"start": 0, "end": 4, "type": "PER"},
                                 {"start": 14, "end": 22, "type": "LOC"}]
    assert ds[0]["words"][3] == [14, 17]


@pytest.mark.parametrize("row, message", [
    ({"tokens": ["a", "b"], "ner": ["O", "O", "O"]}, "row 1: 3 tags for 2 words (the tag list is longer than its word list)"),
    ({"tokens": ["a", "b"], "ner": ["O", "I-PER"]}, "row 1: tag 2 I-PER follows O (tags must be IOB2"),
    ({"tokens": ["a", "b"], "ner": ["O", "X-PER"]}, "tag 2 'X-PER' is not O, B-<type> or I-<type>"),
    ({"tokens": ["a", "b"], "ner": [0, 7]}, "tag 2 id 7 is outside 0..2"),
])
def test_bad_word_tags_are_one_line(tmp_path, row, message):
    with pytest.raises(DataError) as e:
        load(tmp_path, [row], NERColumns(words="tokens", tags="ner"), tag_names=["O", "B-PER", "I-PER"])
    assert message in e.value.message


def tokenizer(path):
    return cached_tokenizer(path)


def spans(entities):
    return [{"start": e["span"][0], "end": e["span"][1], "type": e["type"]} for e in entities]


@pytest.mark.parametrize("label_all_tokens", [False, True])
def test_labels_on_first_sub_word_and_decoding_back(tiny_span_berts, minilm_dir, label_all_tokens):
    types = ["人名", "地名", "法人名"]
    for tok in (tokenizer(tiny_span_berts["unidic-wordpiece"]), tokenizer(minilm_dir)):
        enc = encode_texts(tok, [TEXT])[0]
        units = Units.of(enc, label_all_tokens)
        tags = unit_tags(units, spans(ENTS), types)
        labels = token_labels(enc, units, tags)
        assert [i for i, lab in enumerate(labels) if lab != IGNORE] == units.tokens
        if label_all_tokens:
            assert units.tokens == [i for i, s in enumerate(enc.special) if not s]
        else:
            assert len(units.tokens) == len({w for w in enc.words if w is not None})
        names = tag_names(types)
        assert names[tags[0]] == "B-人名"
        back = decode(units, tags, types)
        want = [e for e in spans(ENTS) if expressible(units, e)]
        assert want and [e for e in back if e in spans(ENTS)] == want
        assert len(back) == len(ENTS)  # an inexpressible entity comes back as its units' span


def test_strict_iob2_decoding():
    units = Units([(0, 1), (1, 2), (2, 3), (3, 4)], [0, 1, 2, 3], [[0], [1], [2], [3]])
    # O I-X B-X I-Y : the lone I-X starts nothing, I-Y after B-X ends X without starting Y
    assert decode(units, [0, 2, 1, 4], ["X", "Y"]) == [{"start": 2, "end": 3, "type": "X"}]
    assert decode(units, [1, 2, 1, 2], ["X"]) == [{"start": 0, "end": 2, "type": "X"},
                                                  {"start": 2, "end": 4, "type": "X"}]


def random_entities(rng, length, types):
    out, pos = [], 0
    while pos < length - 1 and rng.random() < 0.7:
        start = rng.randrange(pos, length - 1)
        end = rng.randrange(start + 1, min(length, start + 5) + 1)
        out.append({"start": start, "end": end, "type": rng.choice(types)})
        pos = end
    return out


def test_scores_are_seqevals_and_counts_agree():
    from seqeval.metrics import f1_score, precision_score, recall_score
    from seqeval.scheme import IOB2

    rng = random.Random(0)
    types = ["A", "B", "C"]
    texts = ["x" * rng.randrange(3, 30) for _ in range(80)]
    gold = [random_entities(rng, len(t), types) for t in texts]
    pred = [g[:1] + random_entities(rng, len(t), types) if rng.random() < 0.5 else g
            for t, g in zip(texts, gold)]
    pred = [sorted({(e["start"], e["end"], e["type"]): e for e in p}.values(), key=lambda e: e["start"])
            for p in pred]
    pred = [[e for i, e in enumerate(p) if not any(o["start"] < e["end"] and e["start"] < o["end"]
                                                   for o in p[:i])] for p in pred]
    got = metrics.score(texts, gold, pred, types)
    y_true = [metrics.char_tags(len(t), g) for t, g in zip(texts, gold)]
    y_pred = [metrics.char_tags(len(t), p) for t, p in zip(texts, pred)]
    kw = {"mode": "strict", "scheme": IOB2}
    assert got.f1 == f1_score(y_true, y_pred, **kw)
    assert got.precision == precision_score(y_true, y_pred, **kw)
    assert got.recall == recall_score(y_true, y_pred, **kw)
    assert metrics.micro_from_counts(metrics.row_counts(gold, pred)) == pytest.approx(
        (got.precision, got.recall, got.f1), abs=1e-12)
    assert set(got.per_type) == set(types)
    assert sum(r["support"] for r in got.per_type.values()) == sum(map(len, gold))


def test_all_o_scores_zero_and_dictionary_matches_longest_first():
    texts = ["東京タワーと東京に行く", "大阪"]
    gold = [[{"start": 0, "end": 5, "type": "施設名"}, {"start": 6, "end": 8, "type": "地名"}], []]
    assert metrics.score(texts, gold, [[], []], ["地名", "施設名"]).f1 == 0.0
    d = Dictionary(["東京タワー", "東京へ", "東京"], [[{"start": 0, "end": 5, "type": "施設名"}],
                                                [{"start": 0, "end": 2, "type": "地名"}],
                                                [{"start": 0, "end": 2, "type": "人名"}]],
                   ["地名", "施設名", "人名"])
    assert d.tag(texts[0]) == gold[0]  # 東京 voted 地名 1 : 人名 1, tie to the label order
    assert d.tag("東京タワー", words=[[0, 2], [2, 5]]) == [{"start": 0, "end": 5, "type": "施設名"}]
    assert d.tag("東京タワーズ") == [{"start": 0, "end": 5, "type": "施設名"}]
    assert d.tag("東京タワーズ", words=[[0, 6]]) == []  # would end inside a word


def test_shared_ner_gold_round_trips_through_units(shared_span_tokenizers, minilm_dir):
    """Gold spans → unit tags → decode: every expressible entity comes back exactly."""
    path = span_data.ner_file(SHARED_DATA)
    items = list(span_data.ner_texts(SHARED_DATA))[::20]
    types = sorted({t for _, ents in items for *_, t in ents})
    # share of entities expressible, word units / every token a unit (measured over the whole
    # set: MiniLM's pre-tokenizer words are kana runs, 40.6 % of the entities end inside one)
    floor = {("ipadic", False): 0.95, ("ipadic", True): 0.95, ("minilm", False): 0.5,
             ("minilm", True): 0.9}
    for name, tok in (("ipadic", tokenizer(shared_span_tokenizers["ipadic-wordpiece"])),
                      ("minilm", tokenizer(minilm_dir))):
        for label_all in (False, True):
            total = back_exact = 0
            for (text, ents), enc in zip(items, encode_texts(tok, [t for t, _ in items])):
                gold = [{"start": s, "end": e, "type": t} for s, e, t in ents]
                units = Units.of(enc, label_all)
                got = decode(units, unit_tags(units, gold, types), types)
                want = [g for g in gold if expressible(units, g)]
                assert [e for e in got if e in gold] == want, (path, text)
                total += len(gold)
                back_exact += len(want)
            assert back_exact >= floor[name, label_all] * total, (name, label_all)


def test_encoded_rows_decode_back_to_the_gold_entities(tiny_span_berts, minilm_dir):
    """Rows → one-hot logits at the labels → predicted_entities: the gold spans (all are
    expressible here); a sentence cut at max_length loses the entities of its tail, only."""
    import numpy as np

    from harness.tasks.pair_template import PairTemplate
    from harness.tasks.token_classification.encoding import (
        LABELS,
        UNIT_SPANS,
        UNIT_TOKENS,
        encode_sentences,
        predicted_entities,
    )

    types = ["人名", "地名", "法人名"]
    batch = {"text": [TEXT, "大阪。"], "entities": [spans(ENTS), [{"start": 0, "end": 2, "type": "地名"}]],
             "words": [[], []]}
    for tok in (tokenizer(tiny_span_berts["ipadic-wordpiece"]), tokenizer(minilm_dir)):
        template = PairTemplate.probe(tok)
        for max_length in (128, 8):
            out = encode_sentences(batch, tok, template, max_length, types, label_all_tokens=True)
            for k, (labels, ids) in enumerate(zip(out[LABELS], out["input_ids"])):
                assert len(ids) <= max_length and ids[0] == tok.cls_token_id
                logits = np.zeros((len(ids), 1 + 2 * len(types)))
                for i, lab in enumerate(labels):
                    logits[i, max(lab, 0)] = 1.0
                got = predicted_entities(logits, out[UNIT_TOKENS][k], out[UNIT_SPANS][k], types)
                covered = out[UNIT_SPANS][k][-1][1] if out[UNIT_SPANS][k] else 0
                whole = [e for e in batch["entities"][k] if e["end"] <= covered]
                assert [e for e in got if e in batch["entities"][k]] == whole
                assert len(got) - len(whole) <= 1  # the head of an entity cut in two
                if max_length == 128:
                    assert got == batch["entities"][k]


def test_span_facts_count_and_warn(minilm_dir):
    from harness.tasks.span_facts import warning
    from harness.tasks.token_classification.facts import ner_facts
    from harness.tasks.token_classification.reading import to_dataset

    ds = to_dataset([{"text": "ロジックは東京にある", "words": [],
                      "entities": [{"start": 0, "end": 4, "type": "製品名"},
                                   {"start": 5, "end": 7, "type": "地名"}]}])
    facts = ner_facts(ds, tokenizer(minilm_dir), 64, label_all_tokens=False)
    # MiniLM's words: ロジックは (ロ ##シ ##ッ ##ク ##は), 東, 京, にある: the product ends inside a word
    assert facts["entities"] == 2 and facts["inexpressible_entities"] == 1
    assert facts["inexpressible_other_setting"] == 0
    line = warning(facts, "entities")
    assert line.startswith("1 entities (50.0%) begin or end inside a word") and "0.0%" in line
    assert warning({**facts, "inexpressible_share": 0.01}, "entities") is None
