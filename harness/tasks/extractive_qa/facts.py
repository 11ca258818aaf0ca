"""What a tokenizer can express of an extractive-QA split (harness.tasks.span_facts says why)."""

from __future__ import annotations

from harness.tasks.extractive_qa.reading import ANSWERS, CONTEXT
from harness.tasks.extractive_qa.windows import WindowSettings, windows_per_question
from harness.tasks.offsets import encode_texts, offsets_source, span_tokens
from harness.tasks.pair_template import PairTemplate
from harness.tasks.span_facts import aligner_for


def qa_facts(ds, tokenizer, settings: WindowSettings, *, batch_size: int = 1000) -> dict:
    """Gold answers a tokenizer cannot express, windows per question, for one split."""
    template = PairTemplate.probe(tokenizer)
    aligner = aligner_for(tokenizer)
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
