"""Extractive-QA data → canonical rows: `id`, `question`, `context`, `answers` ({text: [...],
answer_start: [...]}, character offsets into the context).

Two shapes are read: SQuAD-v1.1 JSON as JGLUE ships JSQuAD (`data` → articles → `paragraphs` →
`context` and `qas` → `id`, `question`, `answers` [{text, answer_start}], `is_impossible`), and
flat rows (jsonl / json list / parquet / a hub dataset) with the columns above, `answers` as a
struct of lists (the `squad` dataset's layout) or a list of {text, answer_start}.

Every row is checked before anything is computed, each problem one line naming the file and
the question (`data[3].paragraphs[1].qas[0] (id 'a1')` or `row 7`): an empty question or
context, a duplicate id, an unanswerable question (SQuAD 2.0's `is_impossible: true` or no
answer: harness scores answerable extractive QA only), an answer whose `answer_start` does not
point at its text. Contexts are kept exactly as written: JSQuAD's `title [SEP] ` prefix stays
(its answers count characters from the title, and 10 % of them point into it), see
docs/span-tasks.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from harness.data.load import DataError, check_regular, column_values, read_table

ID, QUESTION, CONTEXT, ANSWERS = "id", "question", "context", "answers"


@dataclass(frozen=True)
class QAColumns:
    """Where a flat-row file keeps each canonical field."""

    id: str = ID
    question: str = QUESTION
    context: str = CONTEXT
    answers: str = ANSWERS


def features():
    import datasets

    return datasets.Features({
        ID: datasets.Value("string"), QUESTION: datasets.Value("string"),
        CONTEXT: datasets.Value("string"),
        ANSWERS: {"text": datasets.Sequence(datasets.Value("string")),
                  "answer_start": datasets.Sequence(datasets.Value("int32"))}})


def read_file(path: str, fmt: str, field: str, columns: QAColumns = QAColumns()):
    """One split file as a canonical Dataset; SQuAD JSON when the file is one JSON object with
    `data`, flat rows otherwise."""
    squad = _squad_object(path, fmt, field)
    if squad is not None:
        rows, wheres = squad_rows(squad, path, field)
    else:
        ds = read_table(path, fmt, field, f"file {path}")
        rows, wheres = flat_rows(ds, columns, path, field)
    return to_dataset(check(rows, wheres, path, field))


def from_dataset(ds, columns: QAColumns, where: str, field: str):
    """A loaded (hub) split as a canonical Dataset; `where` names it in messages."""
    rows, wheres = flat_rows(ds, columns, where, field)
    return to_dataset(check(rows, wheres, where, field))


def to_dataset(rows: list[dict]):
    import datasets

    return datasets.Dataset.from_list(rows, features=features())


def _squad_object(path: str, fmt: str, field: str):
    from harness.readable import decode_utf8, read_bytes

    if fmt != "json":
        return None
    check_regular(path, field)  # a FIFO would never end
    try:
        text = decode_utf8(read_bytes(path))
        if not text.lstrip().startswith("{"):
            return None
        obj = json.loads(text)
    except UnicodeDecodeError as e:
        raise DataError(f"{path} is not UTF-8 text (byte {e.start})", field=field) from None
    except json.JSONDecodeError as e:
        if e.msg == "Extra data":  # JSON lines: one object per line
            return None
        raise DataError(f"{path} line {e.lineno}: not valid JSON ({e.msg})", field=field) from None
    return obj if isinstance(obj, dict) and "data" in obj else None


def squad_rows(obj: dict, path: str, field: str) -> tuple[list[dict], list[str]]:
    """SQuAD JSON → (rows, where each row came from)."""
    rows, wheres = [], []
    articles = obj["data"]
    if not isinstance(articles, list):
        raise DataError(f"{path}: 'data' is not a list of articles", field=field)
    for a, article in enumerate(articles):
        paragraphs = article.get("paragraphs") if isinstance(article, dict) else None
        if not isinstance(paragraphs, list):
            raise DataError(f"{path} data[{a}]: no 'paragraphs' list", field=field)
        for p, para in enumerate(paragraphs):
            qas = para.get("qas") if isinstance(para, dict) else None
            if not isinstance(qas, list):
                raise DataError(f"{path} data[{a}].paragraphs[{p}]: no 'qas' list", field=field)
            for q, qa in enumerate(qas):
                where = f"data[{a}].paragraphs[{p}].qas[{q}]"
                if not isinstance(qa, dict):
                    raise DataError(f"{path} {where}: not an object", field=field)
                rows.append({ID: qa.get("id"), QUESTION: qa.get("question"),
                             CONTEXT: para.get("context"), ANSWERS: qa.get("answers"),
                             "is_impossible": qa.get("is_impossible", False)})
                wheres.append(where)
    if not rows:
        raise DataError(f"{path} holds no questions", field=field)
    return rows, wheres


def flat_rows(ds, columns: QAColumns, where: str, field: str) -> tuple[list[dict], list[str]]:
    names = {"id": columns.id, "question": columns.question, "context": columns.context,
             "answers": columns.answers}
    for role, column in names.items():
        if column not in ds.column_names:
            raise DataError(f"{where}: no {role} column {column!r} (columns: "
                            f"{', '.join(ds.column_names)})", field=field)
    values = {c: column_values(ds, c) for c in names.values()}
    impossible = column_values(ds, "is_impossible") if "is_impossible" in ds.column_names \
        else [False] * len(ds)
    rows = [{ID: values[columns.id][i], QUESTION: values[columns.question][i],
             CONTEXT: values[columns.context][i], ANSWERS: values[columns.answers][i],
             "is_impossible": impossible[i]} for i in range(len(ds))]
    return rows, [f"row {i + 1}" for i in range(len(ds))]


def check(rows: list[dict], wheres: list[str], path: str, field: str) -> list[dict]:
    """Canonical rows, or a DataError naming the first bad question."""
    seen: dict[str, str] = {}
    out = []
    for row, where in zip(rows, wheres):
        qid = row[ID]
        label = f"{path} {where}" + (f" (id {qid!r})" if qid not in (None, "") else "")

        def bad(problem: str, label=label):
            return DataError(f"{label}: {problem}", field=field)

        if qid is None or str(qid).strip() == "":
            raise bad("empty id")
        qid = str(qid)
        if qid in seen:
            raise bad(f"duplicate id (also {seen[qid]})")
        seen[qid] = where
        for key in (QUESTION, CONTEXT):
            if not isinstance(row[key], str) or not row[key].strip():
                raise bad(f"empty {key}")
        if row.get("is_impossible"):
            raise bad("unanswerable question (is_impossible: true); harness scores "
                      "answerable extractive QA (SQuAD 1.1 style) only")
        texts, starts = _answers(row[ANSWERS], bad)
        context = row[CONTEXT]
        for n, (text, start) in enumerate(zip(texts, starts), 1):
            if not isinstance(text, str) or not text:
                raise bad(f"answer {n} has no text")
            if isinstance(start, bool) or not isinstance(start, int):
                raise bad(f"answer {n} answer_start {start!r} is not a character index")
            found = context[start:start + len(text)] if 0 <= start < len(context) else ""
            if found != text:
                shown = f"the context has {found!r} there" if found else \
                    f"the context has {len(context)} characters"
                raise bad(f"answer {n} {text!r} is not at answer_start {start} ({shown})")
        out.append({ID: qid, QUESTION: row[QUESTION], CONTEXT: context,
                    ANSWERS: {"text": list(texts), "answer_start": list(starts)}})
    return out


def _answers(value, bad) -> tuple[list, list]:
    if isinstance(value, dict) and "text" in value and "answer_start" in value:
        texts, starts = list(value["text"] or []), list(value["answer_start"] or [])
        if len(texts) != len(starts):
            raise bad(f"answers has {len(texts)} texts but {len(starts)} answer_start values")
    elif isinstance(value, list) and all(isinstance(a, dict) for a in value):
        texts = [a.get("text") for a in value]
        starts = [a.get("answer_start") for a in value]
    else:
        raise bad("answers is neither {text: [...], answer_start: [...]} nor a list of "
                  "{text, answer_start}")
    if not texts:
        raise bad("unanswerable question (no answers); harness scores answerable extractive "
                  "QA (SQuAD 1.1 style) only")
    return texts, starts
