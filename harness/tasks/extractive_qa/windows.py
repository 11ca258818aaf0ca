"""Questions → feature rows: the question and a window of its context, as the model sees them.

A context longer than fits is cut into windows of `capacity` context tokens (max_length minus
the question and the special tokens), consecutive windows sharing `doc_stride` tokens, as the
transformers QA recipe does (`stride`, `return_overflowing_tokens`). Questions longer than
`max_query_length` tokens keep their first `max_query_length` (BERT's run_squad rule).

Each feature row keeps `example_id`, the character span of every token (`offset_mapping`;
[-1, -1] for the question, the special tokens and a special token written in the context, such
as JSQuAD's literal `[SEP]`, so no answer starts or ends there) and, for training,
`start_positions` / `end_positions`: the tokens covering the first gold answer when the window
holds all of it, else the [CLS] index (the recipe's "not in this window").

Contexts shared by several questions are tokenized once per batch.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.tasks.extractive_qa.reading import ANSWERS, CONTEXT, ID, QUESTION
from harness.tasks.offsets import NO_OFFSET, Encoded, covering_tokens, encode_texts
from harness.tasks.pair_template import PairTemplate

EXAMPLE_ID, OFFSETS, LENGTH = "example_id", "offset_mapping", "length"
START, END = "start_positions", "end_positions"


@dataclass(frozen=True)
class WindowSettings:
    max_length: int
    doc_stride: int = 128
    max_query_length: int = 64

    def capacity(self, template: PairTemplate, question_tokens: int) -> int:
        return self.max_length - template.pair_overhead - question_tokens

    def problem(self, template: PairTemplate) -> str | None:
        """Why these settings cannot window every question (a question of max_query_length
        tokens must still leave more than doc_stride context tokens), or None."""
        room = self.capacity(template, self.max_query_length)
        if room <= self.doc_stride:
            return (f"max_length {self.max_length} leaves {room} context tokens beside a "
                    f"{self.max_query_length}-token question and {template.pair_overhead} "
                    f"special tokens; doc_stride {self.doc_stride} must be smaller")
        return None


def window_starts(n_tokens: int, capacity: int, stride: int) -> list[int]:
    """First context token of each window: every context token is in at least one window."""
    starts, lo = [0], 0
    while lo + capacity < n_tokens:
        lo += capacity - stride
        starts.append(lo)
    return starts


def encode_questions(batch: dict, tokenizer, template: PairTemplate, settings: WindowSettings,
                     *, labels: bool = True, aligner=None) -> dict[str, list]:
    """A batch of canonical rows → feature rows (one or more per question)."""
    contexts = list(dict.fromkeys(batch[CONTEXT]))
    encoded = dict(zip(contexts, encode_texts(tokenizer, contexts, aligner=aligner)))
    questions = encode_texts(tokenizer, list(batch[QUESTION]), aligner=aligner)
    out: dict[str, list] = {k: [] for k in (EXAMPLE_ID, "input_ids", "attention_mask", OFFSETS,
                                            LENGTH)}
    if template.pair.types is not None:
        out["token_type_ids"] = []
    if labels:
        out[START], out[END] = [], []
    for i, qid in enumerate(batch[ID]):
        question = [t for t, s in zip(questions[i].ids, questions[i].special) if not s] \
            [:settings.max_query_length]
        context = encoded[batch[CONTEXT][i]]
        answer = _first_answer(batch[ANSWERS][i], context) if labels else None
        capacity = settings.capacity(template, len(question))
        for lo in window_starts(len(context), capacity, settings.doc_stride):
            hi = min(lo + capacity, len(context))
            ids, types, first = template.build_pair(question, context.ids[lo:hi])
            offsets = [NO_OFFSET] * len(ids)
            for k in range(lo, hi):
                if not context.special[k]:
                    offsets[first + k - lo] = context.offsets[k]
            out[EXAMPLE_ID].append(qid)
            out["input_ids"].append(ids)
            out["attention_mask"].append([1] * len(ids))
            out[OFFSETS].append([list(o) for o in offsets])
            out[LENGTH].append(len(ids))
            if types is not None:
                out["token_type_ids"].append(types)
            if labels:
                start = end = template.cls_index
                if answer is not None and lo <= answer[0] and answer[1] < hi:
                    start, end = first + answer[0] - lo, first + answer[1] - lo
                out[START].append(start)
                out[END].append(end)
    return out


def _first_answer(answers: dict, context: Encoded) -> tuple[int, int] | None:
    start = answers["answer_start"][0]
    return covering_tokens(context, start, start + len(answers["text"][0]))


def windows_per_question(batch: dict, tokenizer, template: PairTemplate,
                         settings: WindowSettings, *, aligner=None) -> list[int]:
    """How many windows each question of a batch becomes (for `harness inspect`)."""
    contexts = list(dict.fromkeys(batch[CONTEXT]))
    lengths = {c: len(e) for c, e in zip(contexts, encode_texts(tokenizer, contexts,
                                                                 aligner=aligner))}
    questions = encode_texts(tokenizer, list(batch[QUESTION]), aligner=aligner)
    out = []
    for q, context in zip(questions, batch[CONTEXT]):
        n_question = min(sum(1 for s in q.special if not s), settings.max_query_length)
        out.append(len(window_starts(lengths[context], settings.capacity(template, n_question),
                                     settings.doc_stride)))
    return out
