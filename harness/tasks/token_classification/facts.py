"""What a tokenizer can express of a token-classification split (harness.tasks.span_facts says
why)."""

from __future__ import annotations

from harness.tasks.offsets import encode_texts, offsets_source
from harness.tasks.pair_template import PairTemplate
from harness.tasks.span_facts import aligner_for
from harness.tasks.token_classification.reading import ENTITIES, TEXT, WORDS
from harness.tasks.token_classification.tags import Units, expressible


def ner_facts(ds, tokenizer, max_length: int, label_all_tokens: bool, *,
              batch_size: int = 1000) -> dict:
    """Gold entities a tokenizer cannot express (at the units the settings tag; also at the
    other setting, to say what `label_all_tokens` would change), entities cut at max_length."""
    template = PairTemplate.probe(tokenizer)
    aligner = aligner_for(tokenizer)
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
