"""extractive_qa: a question and a context; the answer is a span of the context (SQuAD v1.1,
JSQuAD). docs/span-tasks.md says what each step does and why.

Canonical columns: `id`, `question`, `context`, `answers` {text, answer_start} (reading.py).
Feature rows: one per context window (windows.py), keyed by `example_id`. Head:
AutoModelForQuestionAnswering (start and end logits per token). Stored predictions (JSON lines):
per question the truth {id, question, context, answers, answer_start, normalization} and the
answer {text, start, end, score}. Metrics: the `answers` family (exact_match, f1 under the
dataset's normalisation). Baseline: the context sentence sharing the most characters with the
question.
"""

from __future__ import annotations

import numpy as np

import harness.tasks.extractive_qa.reading as reading
from harness.data.load import DataError, read_table
from harness.specs.dataset import DatasetSpec
from harness.tasks.base import Predictions, TaskInfo, TaskType
from harness.tasks.encoders import Encoder
from harness.tasks.extractive_qa.baseline import overlap_answer
from harness.tasks.extractive_qa.postprocess import best_answers
from harness.tasks.extractive_qa.windows import (
    EXAMPLE_ID,
    LENGTH,
    OFFSETS,
    WindowSettings,
    encode_questions,
)

MAX_SPECIAL_TOKENS = 4  # RoBERTa's pair layout; BERT's has 3
DEFAULTS = {"doc_stride": 128, "max_query_length": 64, "n_best_size": 20, "max_answer_length": 30}
OWN_FIELDS = ("question_column", "context_column", "answers_column", "id_column", *DEFAULTS,
              "answer_normalization")
_SEQUENCE_FIELDS = (("label_names", "classification"), ("positive_label", "classification"),
                    ("text_pair_column", "pair classification"), ("label_range", "regression"),
                    ("choice_columns", "multiple_choice"), ("choices_column", "multiple_choice"))


def columns(spec: DatasetSpec) -> reading.QAColumns:
    return reading.QAColumns(spec.id_column or reading.ID, spec.question_column or reading.QUESTION,
                             spec.context_column or reading.CONTEXT,
                             spec.answers_column or reading.ANSWERS)


def settings(spec: DatasetSpec) -> dict:
    return {k: getattr(spec, k) if getattr(spec, k) is not None else v for k, v in DEFAULTS.items()}


def _is_squad_file(path: str) -> bool:
    """One JSON object whose first key is `data` or `version` (SQuAD's layout), read from the
    first kilobyte only."""
    from harness.readable import is_regular_file

    if not is_regular_file(path):  # a FIFO or a device would block: the read says what it is
        return False
    try:
        with open(path, encoding="utf-8") as f:
            head = f.read(1024).lstrip()
    except (OSError, UnicodeDecodeError):
        return False
    return head.startswith("{") and head[1:].lstrip().startswith(('"data"', '"version"'))


class ExtractiveQA(TaskType):
    name = "extractive_qa"
    family = "answers"
    baseline_label = "best-overlap sentence"
    head_class = "AutoModelForQuestionAnswering"
    overview_metrics = ("exact_match", "f1")
    exports = False  # start and end logits per token: the runtimes evaluate sequence heads only
    hub_task = ("question-answering", "Question Answering")
    description = "a question and a context; the answer is a span of the context (SQuAD v1.1)"
    own_fields = OWN_FIELDS

    # -- which datasets ---------------------------------------------------------------------
    def declared_by(self, spec: DatasetSpec) -> bool:
        return any(getattr(spec, f) is not None for f in OWN_FIELDS) or bool(
            spec.files and any(_is_squad_file(p) for p in spec.files.values()))

    def claims(self, spec: DatasetSpec, train) -> bool:
        cols = columns(spec)
        return all(c in train.column_names for c in (cols.question, cols.context, cols.answers))

    def spec_problems(self, spec: DatasetSpec) -> list[tuple[str, str]]:
        return [(f, f"applies to {t} datasets, not extractive_qa")
                for f, t in _SEQUENCE_FIELDS if getattr(spec, f) is not None]

    # -- preparation --------------------------------------------------------------------------
    def load_raw(self, spec: DatasetSpec):
        """Local SQuAD JSON read and checked here (errors name `data[i].paragraphs[j].qas[k]`);
        tables and hub datasets as stored."""
        import datasets

        from harness.data.load import load_raw

        if spec.files is None:
            return load_raw(spec)
        out = {}
        for split, path in spec.files.items():
            fld = f"files.{split}"
            if spec.file_format(split) == "json" and _is_squad_file(path):
                out[split] = reading.read_file(path, "json", fld, columns(spec))
            else:
                out[split] = read_table(path, spec.file_format(split), fld, f"split {split}")
        return datasets.DatasetDict(out)

    def info(self, spec: DatasetSpec, raw) -> TaskInfo:
        from harness.metrics.answers import detect_normalization

        train = raw["train"]
        context = columns(spec).context if columns(spec).context in train.column_names \
            else reading.CONTEXT
        if context not in train.column_names:
            raise DataError(f"no context column {context!r} in train (columns: "
                            f"{', '.join(train.column_names)})", field="context_column")
        sample = [c for c in train.select(range(min(len(train), 200)))[context]
                  if isinstance(c, str)]
        chosen, why = detect_normalization(sample)
        if spec.answer_normalization is not None:
            chosen, why = spec.answer_normalization, f"{spec.answer_normalization} (set in the suite)"
        return TaskInfo(extra={**settings(spec), "normalization": chosen,
                               "normalization_why": why})

    def canonical(self, spec: DatasetSpec, split: str, ds, info: TaskInfo):
        where = spec.files[split] if spec.files else f"split {split}"
        fld = f"files.{split}" if spec.files else "hub.splits"
        if list(ds.features) == list(reading.features()) and ds.features == reading.features():
            return ds  # read and checked by load_raw
        return reading.from_dataset(ds, columns(spec), where, fld)

    def facts(self, ds, info: TaskInfo) -> dict:
        answers = ds[reading.ANSWERS][:]
        return {"rows": len(ds), "answers": sum(len(a["text"]) for a in answers),
                "contexts": len(set(ds[reading.CONTEXT][:])),
                "normalization": info.extra["normalization_why"]}

    def model_problems(self, spec: DatasetSpec, max_length: int) -> list[tuple[str, str]]:
        x = settings(spec)
        room = max_length - MAX_SPECIAL_TOKENS - x["max_query_length"]
        if room > x["doc_stride"]:
            return []
        beside = (f"beside a {x['max_query_length']}-token question (max_query_length) and up "
                  f"to {MAX_SPECIAL_TOKENS} special tokens")
        if room <= 0:
            return [("max_query_length", f"max_length {max_length} leaves no context tokens "
                                         f"{beside}: lower max_query_length")]
        fld = "doc_stride" if spec.doc_stride is not None else "max_query_length"
        return [(fld, f"max_length {max_length} leaves {room} context tokens {beside}: "
                      f"doc_stride {x['doc_stride']} must be smaller (lower doc_stride or "
                      "max_query_length)")]

    def fit_view(self, ds):
        from harness.data.load import PAIR, TEXT

        return ds.select_columns([reading.QUESTION, reading.CONTEXT]).rename_columns(
            {reading.QUESTION: TEXT, reading.CONTEXT: PAIR})

    def span_facts(self, tokenizer, splits, max_length: int, info: TaskInfo) -> dict:
        from harness.tasks.extractive_qa.facts import qa_facts
        from harness.tasks.span_facts import warning

        x = info.extra
        window = WindowSettings(max_length, x["doc_stride"], x["max_query_length"])
        per = {name: qa_facts(ds, tokenizer, window) for name, ds in splits.items()}
        warnings = [f"{name}: {w}" for name, f in per.items()
                    if (w := warning(f, "gold answers"))]
        return {"windowed": True, "splits": per, "warnings": warnings}

    def summary(self, info: TaskInfo) -> str:
        x = info.extra
        return (f"extractive QA: windows with doc_stride {x['doc_stride']}, answers scored "
                f"{x['normalization_why']}")

    # -- fine-tuning ----------------------------------------------------------------------------
    def encoder(self, tokenizer_dir: str, max_length: int, tokenizer=None, info=None):
        return QAEncoder(tokenizer_dir, max_length, tokenizer, info)

    def head(self, source: str, info: TaskInfo, trust_remote_code: bool = False):
        from transformers import AutoModelForQuestionAnswering

        return AutoModelForQuestionAnswering.from_pretrained(source,
                                                             trust_remote_code=trust_remote_code)

    def outputs(self, model_output):
        import torch

        return torch.stack([model_output.start_logits, model_output.end_logits], dim=-1)

    def eval_logits(self, logits):
        import torch

        return torch.stack([logits[0], logits[1]], dim=-1)

    def truth(self, ds, info: TaskInfo) -> np.ndarray:
        rows = ds[:]
        out = np.empty(len(ds), dtype=object)
        for i, answers in enumerate(rows[reading.ANSWERS]):
            out[i] = {"id": rows[reading.ID][i], "question": rows[reading.QUESTION][i],
                      "context": rows[reading.CONTEXT][i], "answers": list(answers["text"]),
                      "answer_start": list(answers["answer_start"]),
                      "normalization": info.extra["normalization"]}
        return out

    def decode_split(self, outputs, features, examples, info: TaskInfo, y_true=None) -> Predictions:
        """Start/end logits of each window (rows padded to the longest; each read to its own
        length) → the best answer per question."""
        truth = self.truth(examples, info)
        table = features.select_columns([EXAMPLE_ID, OFFSETS, LENGTH])[:]
        lengths = table[LENGTH]
        outputs = np.asarray(outputs)
        found = best_answers(table[EXAMPLE_ID], table[OFFSETS],
                             [outputs[i, :n, 0] for i, n in enumerate(lengths)],
                             [outputs[i, :n, 1] for i, n in enumerate(lengths)],
                             {t["id"]: t["context"] for t in truth},
                             n_best_size=info.extra["n_best_size"],
                             max_answer_length=info.extra["max_answer_length"])
        return Predictions(truth, _objects([found[t["id"]].as_json() for t in truth]))

    def input_columns(self, dataset: dict) -> tuple[str, str | None]:
        return (dataset.get("question_column") or reading.QUESTION,
                dataset.get("context_column") or reading.CONTEXT)

    def predict(self, model_dir, inputs, dataset: dict, max_length: int, label_names: list[str],
                batch_size: int):
        """Each input is `question ||| context`: the answer, its characters in the context and
        its score."""
        from transformers import AutoModelForQuestionAnswering, AutoTokenizer

        from harness.errors import HarnessError
        from harness.tasks.extractive_qa.inference import answer_questions

        if any(len(parts) != 2 or not all(p.strip() for p in parts) for parts in inputs):
            raise HarnessError("extractive QA answers a question over a context: give "
                               "'question ||| context' (or a file with both columns)")
        x = {k: dataset.get(k) if dataset.get(k) is not None else v for k, v in DEFAULTS.items()}
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        model = AutoModelForQuestionAnswering.from_pretrained(model_dir).eval()
        answers = answer_questions(model, tokenizer, [q for q, _ in inputs], [c for _, c in inputs],
                                   WindowSettings(max_length, x["doc_stride"], x["max_query_length"]),
                                   n_best_size=x["n_best_size"],
                                   max_answer_length=x["max_answer_length"], batch_size=batch_size)
        rows = [{"question": q, "context": c, "answer": a.as_json()}
                for (q, c), a in zip(inputs, answers)]
        table = [[n, r["answer"]["text"], f"{r['answer']['score']:.3f}"
                  if r["answer"]["score"] is not None else "—",
                  f"{r['answer']['start']}–{r['answer']['end']}", r["question"][:60]]
                 for n, r in enumerate(rows, 1)]
        return rows, ["#", "answer", "score", "characters", "question"], table

    # -- scores and baselines -----------------------------------------------------------------
    def baseline(self, train, ds, info: TaskInfo) -> Predictions:
        truth = self.truth(ds, info)
        return Predictions(truth, _objects([overlap_answer(t["question"], t["context"]).as_json()
                                            for t in truth]))

    def report_tables(self, dataset: str, rows) -> list:
        from harness.tasks.extractive_qa.report import worst_questions

        table = worst_questions(dataset, rows)
        return [table] if table else []

    def baseline_note(self, facts: dict, label_names: list[str]) -> str:
        how = (facts.get("test") or {}).get("normalization")
        scored = (f"EM and F1 under the {how} answer normalisation (docs/span-tasks.md); "
                  if how else "")
        return (f"{scored}best-overlap sentence: the context sentence sharing the most characters "
                "with the question, whole, as the answer (no training)")


class QAEncoder(Encoder):
    """Questions → window rows (windows.encode_questions), with training labels."""

    drops_all_columns = True

    def __init__(self, tokenizer_dir: str, max_length: int, tokenizer=None, info=None):
        super().__init__(tokenizer_dir, max_length, tokenizer)
        extra = info.extra if info is not None else DEFAULTS
        self.settings = WindowSettings(max_length, extra["doc_stride"], extra["max_query_length"])
        self._template = None

    def __getstate__(self):
        return {**super().__getstate__(), "_template": None}

    def key(self) -> dict:
        return {"doc_stride": self.settings.doc_stride,
                "max_query_length": self.settings.max_query_length}

    def __call__(self, batch):
        from harness.tasks.pair_template import PairTemplate

        if self._template is None:
            self._template = PairTemplate.probe(self.tokenizer)
            problem = self.settings.problem(self._template)
            if problem:
                raise DataError(problem, field="doc_stride")
        return encode_questions(batch, self.tokenizer, self._template, self.settings)


def _objects(rows: list) -> np.ndarray:
    out = np.empty(len(rows), dtype=object)
    for i, row in enumerate(rows):
        out[i] = row
    return out


TASK = ExtractiveQA()
