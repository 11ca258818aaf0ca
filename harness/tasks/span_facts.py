"""What a tokenizer can express of a span dataset, for `harness inspect` and validate's
tokenizer checks: per model × dataset, the gold answers / entities whose boundaries fall inside
a token (a ceiling on that model's EM / F1 whatever it learns: JGLUE dropped XLM-R from JSQuAD
for it), windows per question, questions and sentences cut at max_length.

A model whose tokenizer cannot express WARN_SHARE or more of the gold spans is warned about.
"""

from __future__ import annotations

from harness.tasks.extractive_qa.reading import ANSWERS, CONTEXT
from harness.tasks.extractive_qa.windows import WindowSettings, windows_per_question
from harness.tasks.offsets import encode_texts, offsets_source, span_tokens
from harness.tasks.pair_template import PairTemplate
from harness.tasks.python_offsets import Aligner
from harness.tasks.token_classification.reading import ENTITIES, TEXT, WORDS
from harness.tasks.token_classification.tags import Units, expressible

WARN_SHARE = 0.05


def _aligner(tokenizer):
    return Aligner(tokenizer) if offsets_source(tokenizer) == "aligned" else None


def qa_facts(ds, tokenizer, settings: WindowSettings, *, batch_size: int = 1000) -> dict:
    """Gold answers a tokenizer cannot express, windows per question, for one split."""
    template = PairTemplate.probe(tokenizer)
    aligner = _aligner(tokenizer)
    answers = inexpressible = 0
    windows: list[int] = []
    for lo in range(0, len(ds), batch_size):
        batch = ds[lo:lo + batch_size]
        contexts = list(dict.fromkeys(batch[CONTEXT]))
        encoded = dict(zip(contexts, encode_texts(tokenizer, contexts, aligner=aligner)))
        for context, gold in zip(batch[CONTEXT], batch[ANSWERS]):
            for text, start in zip(gold["text"], gold["answer_start"]):
                answers += 1
                if span_tokens(encoded[context], start, start + len(text), context) is None:
                    inexpressible += 1
        windows += windows_per_question(batch, tokenizer, template, settings, aligner=aligner)
    return {"offsets": offsets_source(tokenizer), "questions": len(windows),
            "answers": answers, "inexpressible_answers": inexpressible,
            "inexpressible_share": inexpressible / answers if answers else 0.0,
            "windows": sum(windows), "windows_per_question_max": max(windows, default=0),
            "questions_over_one_window": sum(1 for w in windows if w > 1)}


def ner_facts(ds, tokenizer, max_length: int, label_all_tokens: bool, *,
              batch_size: int = 1000) -> dict:
    """Gold entities a tokenizer cannot express (at the units the settings tag; also at the
    other setting, to say what `label_all_tokens` would change), entities cut at max_length."""
    template = PairTemplate.probe(tokenizer)
    aligner = _aligner(tokenizer)
    room = max_length - template.single_overhead
    entities = cut = 0
    missing = {False: 0, True: 0}
    sentences_cut = 0
    for lo in range(0, len(ds), batch_size):
        batch = ds[lo:lo + batch_size]
        words = batch.get(WORDS) or [None] * len(batch[TEXT])
        for enc, gold, given in zip(encode_texts(tokenizer, batch[TEXT], aligner=aligner),
                                    batch[ENTITIES], words):
            end = enc.offsets[room - 1][1] if len(enc) > room else None
            sentences_cut += end is not None
            for all_tokens in (False, True):
                units = Units.of(enc, all_tokens, given or None)
                missing[all_tokens] += sum(1 for e in gold if not expressible(units, e))
            entities += len(gold)
            cut += sum(1 for e in gold if end is not None and e["end"] > end)
    chosen = missing[label_all_tokens]
    return {"offsets": offsets_source(tokenizer), "entities": entities,
            "inexpressible_entities": chosen,
            "inexpressible_share": chosen / entities if entities else 0.0,
            "inexpressible_other_setting": missing[not label_all_tokens],
            "label_all_tokens": label_all_tokens, "sentences_cut": sentences_cut,
            "entities_cut": cut}


def warning(facts: dict, what: str) -> str | None:
    """The one-line warning for a share of inexpressible gold spans at or over WARN_SHARE."""
    share = facts["inexpressible_share"]
    if share < WARN_SHARE:
        return None
    count = facts.get("inexpressible_answers", facts.get("inexpressible_entities"))
    unit = "a word" if facts.get("label_all_tokens") is False else "a token"
    line = (f"{count} {what} ({share:.1%}) begin or end inside {unit} of this tokenizer: no "
            f"prediction can match them exactly (exact match / recall at most {1 - share:.1%})")
    if "inexpressible_other_setting" in facts and not facts["label_all_tokens"]:
        other = facts["inexpressible_other_setting"] / facts["entities"]
        line += f" (label_all_tokens: true, tagging every token: {other:.1%})"
    return line
