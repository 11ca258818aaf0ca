"""Answer questions over contexts with a saved QA model (`harness predict`): the same windows,
offsets and post-processing as training and scoring."""

from __future__ import annotations

from harness.tasks.extractive_qa.postprocess import Answer, best_answers
from harness.tasks.extractive_qa.windows import (
    EXAMPLE_ID,
    OFFSETS,
    WindowSettings,
    encode_questions,
)
from harness.tasks.pair_template import PairTemplate
from harness.tasks.span_inference import forward_rows


def answer_questions(model, tokenizer, questions: list[str], contexts: list[str],
                     settings: WindowSettings, *, n_best_size: int = 20,
                     max_answer_length: int = 30, batch_size: int = 32) -> list[Answer]:
    """The best answer (text, character span in its context, score) of each question."""
    ids = [str(i) for i in range(len(questions))]
    batch = {"id": ids, "question": list(questions), "context": list(contexts),
             "answers": [None] * len(ids)}
    features = encode_questions(batch, tokenizer, PairTemplate.probe(tokenizer), settings,
                                labels=False)
    logits = forward_rows(model, tokenizer, features, batch_size,
                      lambda r, j, n: (r.start_logits[j, :n].float().numpy(),
                                       r.end_logits[j, :n].float().numpy()))
    found = best_answers(features[EXAMPLE_ID], features[OFFSETS], [s for s, _ in logits],
                         [e for _, e in logits], dict(zip(ids, contexts)),
                         n_best_size=n_best_size, max_answer_length=max_answer_length)
    return [found[i] for i in ids]
