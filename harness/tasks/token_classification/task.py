"""token_classification: a sentence and its typed entities (NER). docs/span-tasks.md says what
each step does and why.

Canonical columns: `text`, `entities` [{start, end, type}], `words` (character spans of the
given words of word-list data, else empty) (reading.py). Model labels: `O`, `B-`/`I-` per
entity type (TaskInfo.label_names; the types in `extra["types"]`). Head:
AutoModelForTokenClassification. Stored predictions (JSON lines): per sentence the truth {text,
entities} and the predicted entities. Metrics: the `entities` family (seqeval strict IOB2 entity
F1 / precision / recall). Baseline: the train split's entity dictionary, longest match first;
all-O is F1 0 by definition (stated in the notes).
"""

from __future__ import annotations

import numpy as np

from harness.data.load import DataError, column_values
from harness.specs.dataset import DatasetSpec
from harness.tasks.base import Predictions, TaskInfo, TaskType
from harness.tasks.encoders import Encoder
from harness.tasks.token_classification.baseline import Dictionary
from harness.tasks.token_classification.encoding import (
    LENGTH,
    UNIT_SPANS,
    UNIT_TOKENS,
    encode_sentences,
    predicted_entities,
)
from harness.tasks.token_classification.reading import (
    ENTITIES,
    TEXT,
    WORDS,
    NERColumns,
    canonical,
)
from harness.tasks.token_classification.tags import tag_names

OWN_FIELDS = ("entities_column", "words_column", "tags_column", "label_all_tokens")
_SEQUENCE_FIELDS = (("positive_label", "classification"), ("text_pair_column", "pair classification"),
                    ("label_range", "regression"), ("choice_columns", "multiple_choice"),
                    ("choices_column", "multiple_choice"))


def columns(spec: DatasetSpec) -> NERColumns:
    return NERColumns(spec.text_column, spec.entities_column or ENTITIES, spec.words_column,
                      spec.tags_column)


class TokenClassification(TaskType):
    name = "token_classification"
    family = "entities"
    baseline_label = "dictionary"
    head_class = "AutoModelForTokenClassification"
    exports = False  # a tag per token: the runtimes evaluate sequence heads only
    hub_task = ("token-classification", "Token Classification")
    description = "a sentence and its typed entities (NER), as character spans or IOB2 word tags"
    own_fields = OWN_FIELDS

    # -- which datasets ---------------------------------------------------------------------
    def declared_by(self, spec: DatasetSpec) -> bool:
        return any(getattr(spec, f) is not None for f in OWN_FIELDS)

    def claims(self, spec: DatasetSpec, train) -> bool:
        column = columns(spec).entities
        if column not in train.column_names or spec.text_column not in train.column_names:
            return False
        first = next((v for v in train.select(range(min(len(train), 50)))[column] if v), None)
        return isinstance(first, list) and isinstance(first[0], dict) and \
            ("span" in first[0] or "start" in first[0])

    def spec_problems(self, spec: DatasetSpec) -> list[tuple[str, str]]:
        return [(f, f"applies to {t} datasets, not token_classification")
                for f, t in _SEQUENCE_FIELDS if getattr(spec, f) is not None]

    # -- preparation --------------------------------------------------------------------------
    def info(self, spec: DatasetSpec, raw) -> TaskInfo:
        types = entity_types(spec, raw)
        return TaskInfo(tag_names(types), extra={
            "types": types, "label_all_tokens": bool(spec.label_all_tokens),
            "tag_names": list(spec.label_names) if spec.words_column and spec.label_names else None})

    def canonical(self, spec: DatasetSpec, split: str, ds, info: TaskInfo):
        where = spec.files[split] if spec.files else f"split {split}"
        fld = f"files.{split}" if spec.files else "hub.splits"
        out = canonical(ds, columns(spec), where, fld, info.extra["tag_names"])
        unknown = sorted({e["type"] for row in column_values(out, ENTITIES) for e in row}
                         - set(info.extra["types"]))
        if unknown:
            raise DataError(f"{where}: entity type {unknown[0]!r} is not one of label_names "
                            f"{info.extra['types']}", field="label_names")
        return out

    def facts(self, ds, info: TaskInfo) -> dict:
        counts = dict.fromkeys(info.extra["types"], 0)
        for row in column_values(ds, ENTITIES):
            for e in row:
                counts[e["type"]] += 1
        return {"rows": len(ds), "entities": sum(counts.values()), "entity_counts": counts}

    def span_facts(self, tokenizer, splits, max_length: int, info: TaskInfo) -> dict:
        from harness.tasks.span_facts import warning
        from harness.tasks.token_classification.facts import ner_facts

        per = {name: ner_facts(ds, tokenizer, max_length, info.extra["label_all_tokens"])
               for name, ds in splits.items()}
        warnings = [f"{name}: {w}" for name, f in per.items() if (w := warning(f, "entities"))]
        return {"windowed": False, "splits": per, "warnings": warnings}

    def summary(self, info: TaskInfo) -> str:
        types = info.extra["types"]
        unit = "every token" if info.extra["label_all_tokens"] else "each word's first sub-word"
        return (f"token classification: {len(types)} entity types "
                f"({', '.join(types[:8])}{', ...' if len(types) > 8 else ''}), tagged on {unit}")

    # -- fine-tuning ----------------------------------------------------------------------------
    def encoder(self, tokenizer_dir: str, max_length: int, tokenizer=None, info=None):
        return NEREncoder(tokenizer_dir, max_length, tokenizer, info)

    def collator(self, tokenizer, pad_to_multiple_of: int | None):
        from transformers import DataCollatorForTokenClassification

        return DataCollatorForTokenClassification(tokenizer, pad_to_multiple_of=pad_to_multiple_of)

    def head(self, source: str, info: TaskInfo, trust_remote_code: bool = False):
        from transformers import AutoModelForTokenClassification

        return AutoModelForTokenClassification.from_pretrained(
            source, trust_remote_code=trust_remote_code, num_labels=info.num_labels,
            id2label=dict(enumerate(info.label_names)),
            label2id={name: i for i, name in enumerate(info.label_names)})

    def truth(self, ds, info: TaskInfo) -> np.ndarray:
        rows = ds.select_columns([TEXT, ENTITIES])[:]
        return _objects([{"text": t, "entities": list(e)}
                         for t, e in zip(rows[TEXT], rows[ENTITIES])])

    def decode_split(self, outputs, features, examples, info: TaskInfo, y_true=None) -> Predictions:
        """Per sentence: the argmax tag of each unit (rows padded to the longest; each read to
        its own length) → strict IOB2 entities as character spans. The entity scores are
        checked against seqeval on the spot."""
        from harness.metrics.entities import row_counts, score

        truth = self.truth(examples, info)
        table = features.select_columns([UNIT_TOKENS, UNIT_SPANS, LENGTH])[:]
        outputs = np.asarray(outputs)
        types = info.extra["types"]
        predicted = _objects([predicted_entities(outputs[i, :n], tokens, spans, types)
                              for i, (tokens, spans, n) in enumerate(zip(
                                  table[UNIT_TOKENS], table[UNIT_SPANS], table[LENGTH]))])
        check_against_seqeval(truth, predicted, types, row_counts, score)
        return Predictions(truth, predicted)

    def predict(self, model_dir, inputs, dataset: dict, max_length: int, label_names: list[str],
                batch_size: int):
        """Each input is a sentence: its entities, as characters and types."""
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        from harness.errors import HarnessError
        from harness.tasks.token_classification.inference import tag_sentences

        if any(len(parts) != 1 or not parts[0].strip() for parts in inputs):
            raise HarnessError("token classification tags one sentence per input (no ' ||| ')")
        inputs = [(parts[0], None) for parts in inputs]
        types = list(dict.fromkeys(n[2:] for n in label_names if n[:2] in ("B-", "I-")))
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        model = AutoModelForTokenClassification.from_pretrained(model_dir).eval()
        found = tag_sentences(model, tokenizer, [t for t, _ in inputs], types, max_length,
                              bool(dataset.get("label_all_tokens")), batch_size=batch_size)
        rows = [{"text": t, "entities": [{**e, "text": t[e["start"]:e["end"]]} for e in ents]}
                for (t, _), ents in zip(inputs, found)]
        table = [[n, "; ".join(f"{e['text']} [{e['type']}]" for e in r["entities"]) or "—",
                  r["text"][:80]] for n, r in enumerate(rows, 1)]
        return rows, ["#", "entities", "text"], table

    # -- scores and baselines -----------------------------------------------------------------
    def baseline(self, train, ds, info: TaskInfo) -> Predictions:
        rows = train.select_columns([TEXT, ENTITIES])[:]
        dictionary = Dictionary(rows[TEXT], rows[ENTITIES], info.extra["types"])
        truth = self.truth(ds, info)
        words = column_values(ds, WORDS)
        return Predictions(truth, _objects([dictionary.tag(t["text"], w or None)
                                            for t, w in zip(truth, words)]))

    def report_tables(self, dataset: str, rows) -> list:
        from harness.tasks.token_classification.report import per_type_table, worst_sentences

        return [t for t in (per_type_table(dataset, rows), worst_sentences(dataset, rows)) if t]

    def baseline_note(self, facts: dict, label_names: list[str]) -> str:
        return ("dictionary: the train split's entity strings, longest match first; predicting "
                "no entity (all-O) scores entity F1 0 by definition")


def check_against_seqeval(truth, predicted, types, row_counts, score) -> None:
    """The counts the `entities` metrics use must give seqeval's micro scores (raise if not)."""
    from harness.metrics.entities import micro_from_counts

    ours = micro_from_counts(row_counts(truth, predicted))
    theirs = score([t["text"] for t in truth], [t["entities"] for t in truth], list(predicted),
                   types)
    if any(abs(a - b) > 1e-12 for a, b in zip(ours, (theirs.precision, theirs.recall, theirs.f1))):
        raise RuntimeError(f"entity scores {ours} differ from seqeval's "
                           f"{(theirs.precision, theirs.recall, theirs.f1)}")


def entity_types(spec: DatasetSpec, raw) -> list[str]:
    """The entity types in label order: from word-list tag names (label_names, a ClassLabel, or
    the tags found), else `label_names` or every type of every split, sorted."""
    cols = columns(spec)
    if cols.words:
        names = _tag_vocabulary(spec, raw, cols.tags)
        return list(dict.fromkeys(n[2:] for n in names if n[:2] in ("B-", "I-")))
    found = set()
    for ds in raw.values():
        if cols.entities not in ds.column_names:
            raise DataError(f"no entities column {cols.entities!r} (columns: "
                            f"{', '.join(ds.column_names)})", field="entities_column")
        for row in column_values(ds, cols.entities):
            for e in row or []:
                kind = e.get("type", e.get("label")) if isinstance(e, dict) else None
                if isinstance(kind, str) and kind.strip():
                    found.add(kind)
    if spec.label_names:
        return list(spec.label_names)
    if not found:
        raise DataError("no entity in any split (nothing to learn)", field="entities_column")
    return sorted(found)


def _tag_vocabulary(spec: DatasetSpec, raw, column: str) -> list[str]:
    import datasets

    train = raw["train"]
    if column not in train.column_names:
        raise DataError(f"no tags column {column!r} (columns: {', '.join(train.column_names)})",
                        field="tags_column")
    feature = train.features[column]
    inner = getattr(feature, "feature", feature[0] if isinstance(feature, list) and feature else None)
    if isinstance(inner, datasets.ClassLabel):
        return list(inner.names)
    if spec.label_names:
        return list(spec.label_names)
    tags = {t for ds in raw.values() if column in ds.column_names
            for row in column_values(ds, column) for t in (row or []) if isinstance(t, str)}
    return sorted(tags)


class NEREncoder(Encoder):
    """Sentences → one row each with token labels and the units to decode by
    (encoding.encode_sentences)."""

    drops_all_columns = True

    def __init__(self, tokenizer_dir: str, max_length: int, tokenizer=None, info=None):
        super().__init__(tokenizer_dir, max_length, tokenizer)
        extra = info.extra if info is not None else {"types": [], "label_all_tokens": False}
        self.types, self.label_all_tokens = list(extra["types"]), bool(extra["label_all_tokens"])
        self._template = None

    def __getstate__(self):
        return {**super().__getstate__(), "_template": None}

    def key(self) -> dict:
        return {"types": self.types, "label_all_tokens": self.label_all_tokens}

    def __call__(self, batch):
        from harness.tasks.pair_template import PairTemplate

        if self._template is None:
            self._template = PairTemplate.probe(self.tokenizer)
        return encode_sentences(batch, self.tokenizer, self._template, self.max_length,
                                self.types, self.label_all_tokens)


def _objects(rows: list) -> np.ndarray:
    out = np.empty(len(rows), dtype=object)
    for i, row in enumerate(rows):
        out[i] = row
    return out


TASK = TokenClassification()
