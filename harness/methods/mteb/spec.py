"""The suite entry of `mteb`: MTEB tasks by name (data from the hub) or local tasks declared
here (type + files), evaluated on each model; how retrieval tasks search their corpus."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Literal

from pydantic import Field, field_validator, model_validator

from harness.specs.base import NAME, Strict
from harness.specs.dataset import distinct_columns
from harness.specs.field_error import FieldError

TASK_TYPES = ("classification", "pair_classification", "sts", "clustering", "retrieval",
              "reranking")
SEARCH_TYPES = ("retrieval", "reranking")  # mteb's AbsTaskRetrieval: corpus, queries, judgements
# mteb's TaskMetadata.type and default main score per local task type.
MTEB_TYPES = {"classification": "Classification", "pair_classification": "PairClassification",
              "sts": "STS", "clustering": "Clustering", "retrieval": "Retrieval",
              "reranking": "Reranking"}
DEFAULT_MAIN_SCORE = {"classification": "accuracy", "pair_classification": "max_ap",
                      "sts": "cosine_spearman", "clustering": "v_measure",
                      "retrieval": "ndcg_at_10", "reranking": "map_at_1000"}
K_VALUES = (1, 3, 5, 10, 20, 100, 1000)  # mteb 2.26 AbsTaskRetrieval.k_values
_RETRIEVAL_SCORES = tuple(f"{family}_at_{k}" for family in ("ndcg", "map", "recall", "precision",
                                                             "mrr", "hit_rate") for k in K_VALUES)
# Score names each task type reports (mteb 2.26): main_score must be one of them.
TASK_SCORES = {
    "classification": ("accuracy", "f1", "f1_weighted", "precision", "precision_weighted", "recall",
                       "recall_weighted", "ap", "ap_weighted"),
    "pair_classification": tuple(f"{s}_{m}" for s in ("max", "similarity", "cosine", "manhattan",
                                                      "euclidean", "dot")
                                 for m in ("accuracy", "f1", "precision", "recall", "ap")),
    "sts": tuple(f"{p}{m}" for p in ("", "cosine_", "manhattan_", "euclidean_")
                 for m in ("pearson", "spearman")),
    "clustering": ("v_measure",),
    "retrieval": _RETRIEVAL_SCORES,
    "reranking": _RETRIEVAL_SCORES,
}
FORMATS = ("csv", "tsv", "json", "jsonl", "parquet")
# Fields that only some local task types read (the rest refuse them when set).
_TYPE_FIELDS = {
    "text_column": ("classification", "pair_classification", "sts", "clustering"),
    "label_column": ("classification", "pair_classification", "sts", "clustering"),
    "text_pair_column": ("sts", "pair_classification"),
    "positive_label": ("pair_classification",),
    "min_score": ("sts",), "max_score": ("sts",),
    "samples_per_label": ("classification",), "n_experiments": ("classification",),
    "train_split": ("classification",),
    "files": ("classification", "pair_classification", "sts", "clustering", "reranking"),
    "corpus": ("retrieval",), "queries": ("retrieval",), "qrels": ("retrieval",),
    "beir": ("retrieval",),
}
BEIR_FILES = ("corpus.jsonl", "queries.jsonl")  # + qrels/<split>.tsv
FILE_FIELDS = {"files", "corpus", "queries", "qrels", "beir"}  # local files (their content: keys)


class MtebTaskSpec(Strict):
    """An MTEB task: by registry name (`name`, optionally `subsets`; data from the hub), or local
    (`type` + its files)."""

    name: str = Field(description="MTEB task name (e.g. JSTS, JaGovFaqsRetrieval), or your local "
                                  "task's name.")
    subsets: list[str] | None = Field(None, min_length=1, description="Named tasks only: the "
                                      "task's hf_subsets to evaluate (e.g. [ja] for "
                                      "MIRACLRetrieval); default all.")
    type: Literal["classification", "pair_classification", "sts", "clustering", "retrieval",
                  "reranking"] | None = Field(None, description="Local tasks only: the task type.")
    files: dict[str, str] | None = Field(
        None, description="Local tasks: split name -> file (csv/tsv/json/jsonl/parquet); "
                          "reranking: rows of query, positive (list), negative (list).")
    corpus: str | None = Field(None, description="retrieval: passages, columns _id (or id), "
                                                 "text, optional title.")
    queries: str | None = Field(None, description="retrieval: queries, columns _id (or id), text.")
    qrels: dict[str, str] | None = Field(
        None, description="retrieval: split -> relevance judgements, columns query-id, corpus-id, "
                          "score (integer; > 0 is relevant). A single path means eval_splits[0].")
    beir: str | None = Field(None, description="retrieval: a BEIR folder (corpus.jsonl, "
                                               "queries.jsonl, qrels/<split>.tsv) instead of "
                                               "corpus/queries/qrels.")
    format: Literal["csv", "tsv", "json", "jsonl", "parquet"] | None = None
    text_column: str = Field("text", description="Text (sts/pair_classification: first sentence).")
    text_pair_column: str | None = Field(None, description="Second sentence (sts, pair_classification).")
    label_column: str = Field("label", description="Label; sts: the gold similarity score; "
                                                   "pair_classification: 0/1 (or see positive_label).")
    positive_label: str | None = Field(None, description="pair_classification: the label value "
                                                         "meaning 'pair matches' (1); others are 0.")
    eval_splits: list[str] = Field(default_factory=lambda: ["test"])
    train_split: str = Field("train", description="classification: the split the classifier learns on.")
    main_score: str | None = Field(None, description="Default: accuracy, max_ap, cosine_spearman, "
                                                     "v_measure, ndcg_at_10, map_at_1000 by type.")
    languages: list[str] = Field(default_factory=lambda: ["eng-Latn"], description="mteb eval_langs, "
                                 "ISO 639-3 + script, e.g. jpn-Jpan.")
    min_score: float = Field(0.0, description="sts: lowest possible gold score.")
    max_score: float = Field(5.0, description="sts: highest possible gold score.")
    samples_per_label: int | None = Field(None, ge=1, description="classification: mteb's "
                                           "undersampling of train per label (mteb default 8).")
    n_experiments: int | None = Field(None, ge=1, description="classification: repetitions "
                                                               "(mteb default 10).")

    @property
    def local(self) -> bool:
        return self.type is not None

    @property
    def main(self) -> str:
        return self.main_score or (DEFAULT_MAIN_SCORE[self.type] if self.type else "main_score")

    def file_format(self, split: str) -> str:
        return self.path_format(self.files[split])

    def path_format(self, path: str) -> str:
        if self.format:
            return self.format
        suffix = PurePosixPath(path).suffix.lower().lstrip(".")
        return suffix if suffix in FORMATS else "csv"

    def data_files(self) -> dict[str, str]:
        """Every file a local task reads, by role: `<split>` (files), `corpus`, `queries`,
        `qrels.<split>` (retrieval; a BEIR folder's files as its layout names them)."""
        if self.type != "retrieval":
            return dict(self.files or {})
        if self.beir is None:
            return {"corpus": self.corpus, "queries": self.queries,
                    **{f"qrels.{split}": path for split, path in self.qrels.items()}}
        import os

        root = PurePosixPath(self.beir)
        out = {"corpus": str(root / BEIR_FILES[0]), "queries": str(root / BEIR_FILES[1])}
        qrels = root / "qrels"
        names = sorted(os.listdir(qrels)) if os.path.isdir(qrels) else []
        splits = [n[:-4] for n in names if n.endswith(".tsv") and not n.startswith(".")]
        for split in sorted(set(splits) | set(self.eval_splits)):
            out[f"qrels.{split}"] = str(qrels / f"{split}.tsv")
        return out

    @model_validator(mode="before")
    @classmethod
    def _qrels_shorthand(cls, data):
        if isinstance(data, dict) and isinstance(data.get("qrels"), str):
            splits = data.get("eval_splits") or ["test"]
            first = splits[0] if isinstance(splits, list) and splits else "test"
            data = {**data, "qrels": {str(first): data["qrels"]}}
        return data

    @model_validator(mode="after")
    def _consistent(self):
        if not self.local:
            given = sorted(k for k in self.model_fields_set if k not in ("name", "subsets"))
            if given:
                raise FieldError(given[0], "applies to local tasks only (set type: and its files)")
            return self
        import re

        if not re.match(NAME, self.name):
            raise FieldError("name", "a local task name is letters, digits, '.', '_', '-'")
        if self.subsets is not None:
            raise FieldError("subsets", "applies to named tasks only")
        for name in sorted(self.model_fields_set):
            if name in _TYPE_FIELDS and self.type not in _TYPE_FIELDS[name]:
                raise FieldError(name, f"does not apply to {self.type} tasks")
        if not self.eval_splits:
            raise FieldError("eval_splits", "needs at least one split")
        if self.type == "retrieval":
            self._retrieval_files()
        else:
            if not self.files:
                raise FieldError("files", f"a local {self.type} task needs files")
            needed = list(self.eval_splits) + ([self.train_split] if self.type == "classification"
                                               else [])
            for split in needed:
                if split not in self.files:
                    raise FieldError("files", f"has no file for split {split!r} "
                                              "(eval_splits/train_split)")
        if self.type in ("sts", "pair_classification") and not self.text_pair_column:
            raise FieldError("text_pair_column", f"a {self.type} task needs a second text column")
        if self.type != "retrieval":
            distinct_columns(self)
        if self.main_score is not None and self.main_score not in TASK_SCORES[self.type]:
            raise FieldError("main_score", f"{self.main_score!r} is not a {self.type} score; "
                                             f"known: {', '.join(TASK_SCORES[self.type])}")
        if self.type == "sts" and self.max_score <= self.min_score:
            raise FieldError("max_score", "must be above min_score")
        for i, code in enumerate(self.languages):
            if not re.match(r"^[a-z]{2,3}-[A-Z][a-z]{3}$", code):
                raise FieldError(f"languages.{i}", f"{code!r} is not a language-script code "
                                                     "like jpn-Jpan")
        return self

    def _retrieval_files(self) -> None:
        separate = [f for f in ("corpus", "queries", "qrels") if getattr(self, f) is not None]
        if self.beir is not None:
            if separate:
                raise FieldError(separate[0], "give either beir: (a BEIR folder) or "
                                              "corpus/queries/qrels, not both")
            return
        for field in ("corpus", "queries", "qrels"):
            if field not in separate:
                raise FieldError(field, "a retrieval task needs corpus, queries and qrels files "
                                        "(or beir: a BEIR folder)")
        for split in self.eval_splits:
            if split not in self.qrels:
                raise FieldError("qrels", f"has no judgements file for split {split!r} "
                                          "(eval_splits)")


class MtebMethod(Strict):
    """MTEB evaluation of each model on each task (mteb.evaluate, the model as a SentenceTransformer)."""

    type: Literal["mteb"] = "mteb"
    tasks: list[MtebTaskSpec] = Field(min_length=1, description="Task names or local task mappings.")
    batch_size: int = Field(32, ge=1, description="Encoding batch size (mteb's default 32).")
    pooling: Literal["mean", "cls"] = Field(
        "mean", description="Pooling for model dirs without a sentence-transformers config.")
    search: Literal["auto", "exact", "faiss"] = Field(
        "auto", description="Retrieval: how queries search the corpus. exact: every passage "
                            "scored; faiss: a FAISS index (faiss_index; pip install "
                            "'harness[faiss]'); auto: FAISS only for a split with at least "
                            "faiss_from passages and faiss_from_queries queries, else exact.")
    faiss_from: int = Field(1_000_000, ge=1, description="search auto: passages from which FAISS "
                            "may pay (below, an HNSW search for mteb's 1,000 hits costs more "
                            "per query than scoring every passage).")
    faiss_from_queries: int = Field(25_000, ge=1, description="search auto: queries from which "
                                    "building the index pays for itself (its build grows with "
                                    "the passages, exact search with passages × queries).")
    faiss_index: str = Field("HNSW32", description="FAISS index factory string (e.g. HNSW32, "
                                                   "IVF4096,Flat; Flat = exact).")
    faiss_params: str = Field("", description="FAISS search parameters (faiss.ParameterSpace), "
                                              "e.g. efSearch=128 or nprobe=64.")

    @field_validator("tasks", mode="before")
    @classmethod
    def _task_shorthand(cls, v):
        return [{"name": t} if isinstance(t, str) else t for t in v] if isinstance(v, list) else v

    @model_validator(mode="after")
    def _unique(self):
        names = [t.name for t in self.tasks]
        for i, name in enumerate(names):
            if names.index(name) != i:
                raise FieldError(f"tasks.{i}.name", f"task {name!r} is listed twice")
        return self
