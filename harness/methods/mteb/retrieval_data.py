"""Local retrieval and reranking files -> mteb's retrieval split data, checked row by row.

Imports `datasets` only (no torch, no mteb), so `harness validate` runs the same code as a trial.

retrieval: a corpus (`_id` or `id`, `text`, optional `title`), queries (`_id` or `id`, `text`)
and per split relevance judgements (`query-id`, `corpus-id`, `score`; `query_id`/`corpus_id`
also read), in csv/tsv/json/jsonl/parquet; a BEIR folder is `corpus.jsonl`, `queries.jsonl`,
`qrels/<split>.tsv`. A split evaluates the queries its judgements name (as mteb's hub loader).
reranking: per split, rows of `query`, `positive`, `negative` (lists of passages; in csv/tsv a
cell holding a JSON array is a list, any other text one passage). Each row is a query whose
candidates are its positives (relevance 1) and negatives (0); passages get ids `d1, d2, ...` by
first appearance, queries `q<row>`.

mteb evaluates what it is given without complaint where harness must not: a judgement naming a
passage that is not in the corpus scores 0, a query without judgements is dropped, a relevance
that is not an integer raises deep inside pytrec_eval. Every such problem is a DataError here,
one line naming the file and row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from harness.data.load import DataError, column_values, read_table

ID_COLUMNS = ("_id", "id")
QREL_COLUMNS = {"query": ("query-id", "query_id"), "corpus": ("corpus-id", "corpus_id")}


@dataclass
class SplitData:
    """One split as mteb's RetrievalSplitData wants it (datasets.Dataset columns id, text[, title])."""

    corpus: object
    queries: object
    relevant_docs: dict[str, dict[str, int]]
    top_ranked: dict[str, list[str]] | None = None

    def mteb(self) -> dict:
        return {"corpus": self.corpus, "queries": self.queries,
                "relevant_docs": self.relevant_docs, "top_ranked": self.top_ranked}


@dataclass
class RetrievalData:
    splits: dict[str, SplitData]
    rows: dict[str, int] = field(default_factory=dict)  # what validate prints


def load_retrieval(task) -> RetrievalData:
    files = task.data_files()
    corpus_field, queries_field = _fields(task)
    corpus = _texts(task, files["corpus"], corpus_field, "corpus", with_title=True)
    queries = _texts(task, files["queries"], queries_field, "queries", with_title=False)
    judged: set[str] = set()
    qrels = {}
    for role, path in files.items():
        if not role.startswith("qrels."):
            continue
        split = role.removeprefix("qrels.")
        qrels[split] = _qrels(task, path, _qrels_field(task, split), corpus, queries,
                              evaluated=split in task.eval_splits)
        judged |= set(qrels[split])
    unjudged = next((i for i, q in enumerate(queries.ids) if q not in judged), None)
    if unjudged is not None:
        raise DataError(f"{files['queries']} row {unjudged + 1}: query {queries.ids[unjudged]!r} "
                        "has no relevance judgement in any qrels file (mteb would drop it "
                        "silently)", field=queries_field)
    import datasets

    corpus_ds = datasets.Dataset.from_dict({"id": corpus.ids, "text": corpus.texts,
                                            "title": corpus.titles})
    splits, rows = {}, {"corpus": len(corpus.ids), "queries": len(queries.ids)}
    for split in task.eval_splits:
        wanted = qrels[split]
        keep = [i for i, q in enumerate(queries.ids) if q in wanted]
        queries_ds = datasets.Dataset.from_dict({"id": [queries.ids[i] for i in keep],
                                                 "text": [queries.texts[i] for i in keep]})
        splits[split] = SplitData(corpus_ds, queries_ds, wanted)
        rows[f"{split} queries"] = len(keep)
        rows[f"{split} judgements"] = sum(len(d) for d in wanted.values())
    return RetrievalData(splits, rows)


def load_reranking(task) -> RetrievalData:
    import datasets

    splits, rows = {}, {}
    for split, path in task.files.items():
        if split not in task.eval_splits:
            continue
        fld = f"files.{split}"
        ds = read_table(path, task.file_format(split), fld, f"split {split}")
        missing = [c for c in ("query", "positive", "negative") if c not in ds.column_names]
        if missing:
            raise DataError(f"{path}: no column {missing[0]!r} (a reranking file has query, "
                            f"positive, negative; columns: {', '.join(ds.column_names)})",
                            field=fld)
        doc_ids: dict[str, str] = {}
        qids, qtexts, relevant, ranked = [], [], {}, {}
        columns = {c: column_values(ds, c) for c in ("query", "positive", "negative")}
        for i, (query, pos, neg) in enumerate(zip(*columns.values())):
            where = f"{path} row {i + 1}"
            if not isinstance(query, str) or not query.strip():
                raise DataError(f"{where}: empty query", field=fld)
            positives = _passages(pos, f"{where}: positive", fld)
            negatives = _passages(neg, f"{where}: negative", fld)
            if not positives:
                raise DataError(f"{where}: no positive passage (the query would have no "
                                "relevant candidate)", field=fld)
            both = sorted(set(positives) & set(negatives))
            if both:
                raise DataError(f"{where}: passage {_short(both[0])!r} is both positive and "
                                "negative", field=fld)
            qid = f"q{i + 1}"
            ids = [doc_ids.setdefault(p, f"d{len(doc_ids) + 1}") for p in positives + negatives]
            qids.append(qid)
            qtexts.append(query)
            relevant[qid] = {**{d: 0 for d in ids[len(positives):]},
                             **{d: 1 for d in ids[:len(positives)]}}
            ranked[qid] = list(dict.fromkeys(ids))
        corpus = datasets.Dataset.from_dict({"id": list(doc_ids.values()),
                                             "text": list(doc_ids), "title": [""] * len(doc_ids)})
        queries = datasets.Dataset.from_dict({"id": qids, "text": qtexts})
        splits[split] = SplitData(corpus, queries, relevant, ranked)
        rows[f"{split} queries"] = len(qids)
        rows[f"{split} passages"] = len(doc_ids)
    return RetrievalData(splits, rows)


@dataclass
class _Texts:
    ids: list[str]
    texts: list[str]
    titles: list[str]
    path: str

    def __post_init__(self):
        self.index = {d: i for i, d in enumerate(self.ids)}


def _fields(task) -> tuple[str, str]:
    return ("beir", "beir") if task.beir is not None else ("corpus", "queries")


def _qrels_field(task, split: str) -> str:
    return "beir" if task.beir is not None else f"qrels.{split}"


def _column(ds, names: tuple[str, ...], path: str, what: str, fld: str) -> str:
    found = next((c for c in names if c in ds.column_names), None)
    if found is None:
        raise DataError(f"{path}: no {what} column ({' or '.join(names)}; columns: "
                        f"{', '.join(ds.column_names)})", field=fld)
    return found


def _texts(task, path: str, fld: str, what: str, with_title: bool) -> _Texts:
    ds = read_table(path, task.path_format(path), fld, what, text_columns=True)
    id_col = _column(ds, ID_COLUMNS, path, "id", fld)
    _column(ds, ("text",), path, "text", fld)
    ids = [_id(v) for v in column_values(ds, id_col)]
    texts = [v if isinstance(v, str) else "" for v in column_values(ds, "text")]
    titles = ([v if isinstance(v, str) else "" for v in column_values(ds, "title")]
              if with_title and "title" in ds.column_names else [""] * len(ids))
    first: dict[str, int] = {}
    for i, doc in enumerate(ids):
        if not doc:
            raise DataError(f"{path} row {i + 1}: empty id", field=fld)
        if doc in first:
            raise DataError(f"{path} row {i + 1}: duplicate id {doc!r} (also row "
                            f"{first[doc] + 1})", field=fld)
        first[doc] = i
        if not texts[i].strip() and not titles[i].strip():
            raise DataError(f"{path} row {i + 1}: empty text (id {doc!r})", field=fld)
    return _Texts(ids, texts, titles, path)


def _qrels(task, path: str, fld: str, corpus: _Texts, queries: _Texts, evaluated: bool) -> dict:
    ds = read_table(path, task.path_format(path), fld, "qrels", text_columns=True)
    q_col = _column(ds, QREL_COLUMNS["query"], path, "query id", fld)
    c_col = _column(ds, QREL_COLUMNS["corpus"], path, "corpus id", fld)
    _column(ds, ("score",), path, "score", fld)
    out: dict[str, dict[str, int]] = {}
    rows = zip(column_values(ds, q_col), column_values(ds, c_col), column_values(ds, "score"))
    for i, (q, d, score) in enumerate(rows):
        where = f"{path} row {i + 1}"
        q, d = _id(q), _id(d)
        if q not in queries.index:
            raise DataError(f"{where}: query id {q!r} is not in {queries.path}", field=fld)
        if d not in corpus.index:
            raise DataError(f"{where}: corpus id {d!r} is not in {corpus.path} (mteb would "
                            "score it 0 silently)", field=fld)
        relevance = _integer(score)
        if relevance is None:
            raise DataError(f"{where}: score {score!r} is not an integer (mteb's relevance "
                            "grades are integers)", field=fld)
        if d in out.setdefault(q, {}):
            raise DataError(f"{where}: query {q!r} and corpus id {d!r} are judged twice",
                            field=fld)
        out[q][d] = relevance
    if not out:
        raise DataError(f"{path} has no rows", field=fld)
    for q, docs in out.items():
        if evaluated and not any(r > 0 for r in docs.values()):
            raise DataError(f"{path}: query {q!r} has no judgement with score > 0 (it would "
                            "score 0 for every model)", field=fld)
    return out


def _id(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _integer(value) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _passages(value, where: str, fld: str) -> list[str]:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                value = [value]
        else:
            value = [value] if text else []
    if value is None:
        value = []
    if not isinstance(value, list):
        raise DataError(f"{where} is not a list of passages", field=fld)
    for p in value:
        if not isinstance(p, str) or not p.strip():
            raise DataError(f"{where}: empty passage", field=fld)
    return list(dict.fromkeys(value))


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[:n] + "…"
