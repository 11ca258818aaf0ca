"""Tiny, offline BERT base-model directories and toy corpora for tests.

``make_tiny_bert`` builds an uncased WordPiece vocab from the given texts with
the ``tokenizers`` BERT pipeline and saves it, as a ``BertTokenizerFast``, next
to a randomly initialised tiny ``BertModel``. ``make_tiny_japanese_bert`` does
the same with a ``BertJapaneseTokenizer`` (fugashi MeCab words + WordPiece, as
the cl-tohoku models use). Each vocab holds the words of the texts plus a
per-character fallback, and is deterministic, as are the weights (``seed``). Both directories load offline with
``AutoTokenizer`` and ``AutoModelForSequenceClassification`` (the classifier
head is newly initialised).

``english_texts`` and ``japanese_texts`` generate small, balanced, labelled
corpora that such a model can learn in a few CPU epochs.

torch, tokenizers and transformers are imported by the builders only: tests that need no model
(and conftest, which imports this module) do not pay for them.
"""

from __future__ import annotations

import random
import string
from collections import Counter
from pathlib import Path

SPECIAL_TOKENS: list[str] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
_JA_FALLBACK_CHARS = (
    "".join(map(chr, range(0x3041, 0x3097))) + "".join(map(chr, range(0x30A1, 0x30FB))) + "ー"
    + string.ascii_letters + string.digits + string.punctuation + "、。「」"
)


def _save_tiny_model(
    out_dir: Path,
    vocab_size: int,
    *,
    hidden_size: int = 32,
    num_layers: int = 2,
    num_heads: int = 2,
    intermediate_size: int = 37,
    max_position_embeddings: int = 128,
    seed: int = 0,
) -> None:
    """Save a randomly initialised tiny ``BertModel`` (safetensors) into ``out_dir``.

    The ``make_tiny_*`` builders pass their ``**shape`` keywords (sizes, ``seed``) through to here.
    """
    import torch
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=hidden_size,
        num_hidden_layers=num_layers,
        num_attention_heads=num_heads,
        intermediate_size=intermediate_size,
        max_position_embeddings=max_position_embeddings,
        pad_token_id=SPECIAL_TOKENS.index("[PAD]"),
    )
    torch.manual_seed(seed)
    BertModel(config).save_pretrained(out_dir, safe_serialization=True)


def _wordpiece_vocab(counts: Counter[str], vocab_size: int, extra_chars: str = "") -> list[str]:
    """Special tokens, then multi-character words (most frequent first, cut to fit ``vocab_size``),
    then every character bare and as ``##``-continuation so that any word over known characters splits."""
    chars = sorted({ch for word in counts for ch in word} | set(extra_chars))
    pieces = [*chars, *(f"##{ch}" for ch in chars)]
    room = max(vocab_size - len(SPECIAL_TOKENS) - len(pieces), 0)
    words = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if len(w) > 1][:room]
    return list(dict.fromkeys([*SPECIAL_TOKENS, *words, *pieces]))


def make_tiny_bert(
    out_dir: Path,
    texts: list[str],
    *,
    vocab_size: int = 500,
    max_position_embeddings: int = 128,
    **shape: int,
) -> Path:
    """Write an uncased WordPiece ``BertTokenizerFast`` built from ``texts`` and a tiny ``BertModel`` to ``out_dir``.

    Words come from the ``tokenizers`` BERT-uncased pipeline (``BertNormalizer(lowercase=True)`` +
    ``BertPreTokenizer``). The vocab is counted rather than learned with ``WordPieceTrainer``, whose
    output varies from run to run (huggingface/tokenizers#1794), so the same texts give the same directory.
    """
    from tokenizers import normalizers, pre_tokenizers
    from transformers import BertTokenizerFast

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    normalizer = normalizers.BertNormalizer(lowercase=True)
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    counts: Counter[str] = Counter(
        word for text in texts for word, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(text))
    )
    vocab = _wordpiece_vocab(counts, vocab_size, string.ascii_lowercase + string.digits + string.punctuation)
    # BertTokenizerFast wraps the vocab in the BERT-uncased backend: BertNormalizer, BertPreTokenizer,
    # WordPiece model and decoder, and the [CLS] A [SEP] (B [SEP]) post-processor.
    tokenizer = BertTokenizerFast(
        vocab={tok: i for i, tok in enumerate(vocab)}, do_lower_case=True, model_max_length=max_position_embeddings
    )
    tokenizer.save_pretrained(out_dir)
    _save_tiny_model(out_dir, len(tokenizer), max_position_embeddings=max_position_embeddings, **shape)
    return out_dir


def make_tiny_japanese_bert(
    out_dir: Path,
    texts: list[str],
    *,
    dic: str = "unidic_lite",
    subword: str = "wordpiece",
    vocab_size: int = 2000,
    max_position_embeddings: int = 128,
    **shape: int,
) -> Path:
    """Write a MeCab + WordPiece ``BertJapaneseTokenizer`` built from ``texts`` and a tiny ``BertModel``.

    ``dic`` is the MeCab dictionary ("unidic_lite" or "ipadic"). The vocab holds the special
    tokens, the MeCab words of ``texts`` and a character fallback (every seen character plus
    all kana, ASCII letters, digits and punctuation, bare and as ``##``-continuation).
    ``subword="character"`` splits MeCab words into characters instead (as cl-tohoku's
    ``-char`` models): the vocab is the special tokens and the characters alone.
    """
    from transformers import BertJapaneseTokenizer

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    mecab_kwargs = {"mecab_dic": dic}
    vocab_file = out_dir / "vocab.txt"
    # Segment with the very MecabTokenizer the saved tokenizer will use (NFKC-normalised surfaces).
    vocab_file.write_text("\n".join(SPECIAL_TOKENS) + "\n", encoding="utf-8")
    segmenter = BertJapaneseTokenizer(str(vocab_file), word_tokenizer_type="mecab", mecab_kwargs=mecab_kwargs)
    counts: Counter[str] = Counter(word for text in texts for word in segmenter.word_tokenizer.tokenize(text))
    if subword == "character":
        chars = sorted({ch for word in counts for ch in word} | set(_JA_FALLBACK_CHARS))
        vocab = list(dict.fromkeys([*SPECIAL_TOKENS, *chars]))
    else:
        vocab = _wordpiece_vocab(counts, vocab_size, _JA_FALLBACK_CHARS)
    vocab_file.write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertJapaneseTokenizer(
        str(vocab_file),
        do_lower_case=False,
        word_tokenizer_type="mecab",
        subword_tokenizer_type=subword,
        mecab_kwargs=mecab_kwargs,
        model_max_length=max_position_embeddings,
    )
    tokenizer.save_pretrained(out_dir)
    _save_tiny_model(out_dir, len(tokenizer), max_position_embeddings=max_position_embeddings, **shape)
    return out_dir


_EN_TEMPLATES: dict[str, tuple[list[str], dict[str, list[str]]]] = {
    "sports": (
        [
            "the {team} {won} the {event} after a {adj} second half",
            "our {team} {won} the {event} with a {adj} goal",
            "fans cheered as the {team} {won} the {event}",
            "a {adj} match saw the {team} {won} the {event} at the stadium",
        ],
        {
            "team": ["home team", "rovers", "tigers", "city club", "national side", "young squad", "visitors"],
            "won": ["won", "lost", "drew", "dominated", "narrowly took", "threw away"],
            "event": ["final", "derby", "league match", "cup tie", "tournament", "playoff", "race"],
            "adj": ["thrilling", "late", "stunning", "tense", "brilliant", "scrappy", "dramatic"],
        },
    ),
    "food": (
        [
            "this {dish} tastes {adj} with {extra}",
            "we cooked a {adj} {dish} and served it with {extra}",
            "the restaurant serves {adj} {dish} topped with {extra}",
            "i had {dish} with {extra} for {meal} and it was {adj}",
        ],
        {
            "dish": ["pasta", "curry", "soup", "pizza", "salad", "noodles", "pancakes", "rice bowl"],
            "adj": ["delicious", "spicy", "sweet", "salty", "creamy", "bland", "crispy"],
            "extra": ["cheese", "garlic bread", "fresh herbs", "chili oil", "butter", "lemon", "mushrooms"],
            "meal": ["breakfast", "lunch", "dinner", "a snack"],
        },
    ),
    "weather": (
        [
            "expect {adj} {sky} with {precip} in the {time}",
            "the forecast shows {precip} and {adj} winds this {time}",
            "it will be {adj} and {sky} with a chance of {precip}",
            "{sky} and {adj} temperatures are expected {time}",
        ],
        {
            "adj": ["cold", "warm", "humid", "freezing", "mild", "chilly", "hot"],
            "sky": ["cloudy skies", "clear skies", "grey skies", "sunny spells", "overcast skies", "fog"],
            "precip": ["rain", "snow", "light showers", "thunderstorms", "drizzle", "sleet", "hail"],
            "time": ["morning", "afternoon", "evening", "weekend", "tonight", "tomorrow"],
        },
    ),
}

_JA_SUBJECTS = ["映画", "料理", "本", "店", "ホテル", "音楽", "ゲーム", "旅行", "授業", "ドラマ", "ラーメン", "コンサート"]
_JA_PREFIXES = ["この", "あの", "今日の", "昨日の", "先週の", "友達と行った", "初めての"]
_JA_ADVERBS = ["とても", "本当に", "すごく", "かなり", "非常に", "思ったより", "意外と"]
_JA_ADJECTIVES = {
    "positive": ["面白かった", "美味しかった", "楽しかった", "素晴らしかった", "良かった", "最高だった", "気に入った"],
    "negative": ["つまらなかった", "まずかった", "ひどかった", "退屈だった", "最悪だった", "残念だった", "がっかりした"],
}
_JA_SUFFIXES = ["", "。", "！", "ね。", "と思う。", "です。"]


def english_texts(n: int = 400, seed: int = 0) -> tuple[list[str], list[str]]:
    """Return ``n`` templated English sentences and balanced labels ("sports", "food", "weather")."""
    rng = random.Random(seed)
    labels = list(_EN_TEMPLATES)
    texts: list[str] = []
    names: list[str] = []
    for i in range(n):
        label = labels[i % len(labels)]
        templates, slots = _EN_TEMPLATES[label]
        texts.append(rng.choice(templates).format(**{k: rng.choice(v) for k, v in slots.items()}))
        names.append(label)
    return texts, names


def japanese_texts(n: int = 200, seed: int = 0) -> tuple[list[str], list[str]]:
    """Return ``n`` templated Japanese review sentences and balanced labels ("positive", "negative")."""
    rng = random.Random(seed)
    labels = list(_JA_ADJECTIVES)
    texts: list[str] = []
    names: list[str] = []
    for i in range(n):
        label = labels[i % len(labels)]
        texts.append(
            f"{rng.choice(_JA_PREFIXES)}{rng.choice(_JA_SUBJECTS)}は"
            f"{rng.choice(_JA_ADVERBS)}{rng.choice(_JA_ADJECTIVES[label])}{rng.choice(_JA_SUFFIXES)}"
        )
        names.append(label)
    return texts, names


_JA_NAMES = ["山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤", "吉田", "松本"]
_JA_CITIES = ["東京", "大阪", "京都", "札幌", "福岡", "名古屋", "神戸", "仙台", "横浜", "広島"]
_JA_FOODS = ["寿司", "ラーメン", "カレー", "天ぷら", "うどん", "そば", "焼肉", "餃子"]
_JA_COMPANIES = ["山田商事", "東西電機", "みらい銀行", "青空食品", "北斗製作所", "さくら運輸"]
_JA_QA = [("{name}はどこに住んでいますか。", "city"), ("{name}の好きな食べ物は何ですか。", "food"),
          ("{name}は何年に生まれましたか。", "year")]


def japanese_qa_rows(n: int = 240, seed: int = 0) -> list[dict]:
    """``n`` SQuAD-style questions over templated Japanese contexts (flat rows: id, question,
    context, answers {text, answer_start}); the answer is the slot the question names."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        name = rng.choice(_JA_NAMES)
        slots = {"city": rng.choice(_JA_CITIES), "food": rng.choice(_JA_FOODS),
                 "year": str(rng.randrange(1950, 2010))}
        parts = [f"{name}は{slots['city']}に住んでいる。", f"{name}の好きな食べ物は{slots['food']}だ。",
                 f"{name}は{slots['year']}年に生まれた。"]
        rng.shuffle(parts)
        context = f"{name} [SEP] " + "".join(parts)
        question, slot = _JA_QA[i % len(_JA_QA)]
        answer = slots[slot]
        start = context.index(answer, len(name) + 7)
        rows.append({"id": f"q{i}", "question": question.format(name=name), "context": context,
                     "answers": {"text": [answer], "answer_start": [start]}})
    return rows


def japanese_ner_rows(n: int = 240, seed: int = 0) -> list[dict]:
    """``n`` templated Japanese sentences with character-span entities (人名, 法人名, 地名), in
    the Wikipedia NER set's format: {text, entities: [{name, span: [start, end), type}]}."""
    rng = random.Random(seed)
    templates = ["{人名}は{法人名}の社長で、{地名}に住んでいる。", "{地名}にある{法人名}で{人名}が働く。",
                 "昨日、{人名}は{地名}へ行った。", "{法人名}は{地名}に工場を建てた。", "今日は雨が降った。"]
    rows = []
    for _ in range(n):
        template = rng.choice(templates)
        values = {"人名": rng.choice(_JA_NAMES) + rng.choice(["太郎", "花子", "一郎"]),
                  "法人名": rng.choice(_JA_COMPANIES), "地名": rng.choice(_JA_CITIES)}
        text, entities = "", []
        for piece in template.replace("{", "}").split("}"):
            if piece in values:
                entities.append({"name": values[piece], "span": [len(text), len(text) + len(values[piece])],
                                 "type": piece})
                text += values[piece]
            else:
                text += piece
        rows.append({"text": text, "entities": entities})
    return rows
