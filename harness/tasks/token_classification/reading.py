"""Named-entity data → canonical rows: `text` and `entities` ([{start, end, type}], character
spans [start, end) into the text), plus `words` (character spans) for word-list data.

Two shapes are read:
- text + character-span entities (`entities: [{span: [start, end), type}]`, the format of the
  stockmark Wikipedia NER set; `{start, end, type}` works too, and a `name` is checked against
  the text it spans);
- word and tag lists (CoNLL-style): the text is the words joined by single spaces, the
  entities come from IOB2 tags (strings `B-PER` / `I-PER` / `O`, or ids with `label_names` or a
  `ClassLabel` naming the tags).

Checked before anything is computed, one line naming the file and row: a span outside the text
or empty, two entities that overlap, a `name` that differs from its span's text, a tag list
longer (or shorter) than its word list, a tag that is not IOB2 (`I-X` not after `B-X`/`I-X`),
an unknown tag id, an empty text.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.data.load import DataError, column_values

TEXT, ENTITIES, WORDS = "text", "entities", "words"


@dataclass(frozen=True)
class NERColumns:
    text: str = "text"
    entities: str = "entities"
    words: str | None = None  # word-list data: the words column ...
    tags: str | None = None   # ... and its tags column


def features():
    import datasets

    return datasets.Features({
        TEXT: datasets.Value("string"),
        ENTITIES: [{"start": datasets.Value("int32"), "end": datasets.Value("int32"),
                    "type": datasets.Value("string")}],
        WORDS: [[datasets.Value("int32")]]})


def to_dataset(rows: list[dict]):
    import datasets

    return datasets.Dataset.from_list(rows, features=features())


def canonical(ds, columns: NERColumns, where: str, field: str, tag_names: list[str] | None):
    """One loaded split (datasets.Dataset) as canonical rows; `where` names it in messages."""
    if columns.words:
        return to_dataset(_from_tags(ds, columns, where, field, tag_names))
    return to_dataset(_from_spans(ds, columns, where, field))


def _need(ds, column: str, role: str, where: str, field: str) -> list:
    if column not in ds.column_names:
        raise DataError(f"{where}: no {role} column {column!r} (columns: "
                        f"{', '.join(ds.column_names)})", field=field)
    return column_values(ds, column)


def _from_spans(ds, columns: NERColumns, where: str, field: str) -> list[dict]:
    texts = _need(ds, columns.text, "text", where, field)
    entities = _need(ds, columns.entities, "entities", where, field)
    rows = []
    for i, (text, ents) in enumerate(zip(texts, entities)):
        def bad(problem: str, i=i):
            return DataError(f"{where} row {i + 1}: {problem}", field=field)

        if not isinstance(text, str) or not text.strip():
            raise bad("empty text")
        if ents is None:
            ents = []
        if not isinstance(ents, list):
            raise bad("entities is not a list")
        spans = [_span(e, n, text, bad) for n, e in enumerate(ents, 1)]
        ordered = sorted(spans, key=lambda s: (s["start"], s["end"]))
        for a, b in zip(ordered, ordered[1:]):
            if b["start"] < a["end"]:
                raise bad(f"entity [{b['start']}, {b['end']}) {text[b['start']:b['end']]!r} "
                          f"overlaps [{a['start']}, {a['end']}) {text[a['start']:a['end']]!r}")
        rows.append({TEXT: text, ENTITIES: ordered, WORDS: []})
    return rows


def _span(entity, n: int, text: str, bad) -> dict:
    if not isinstance(entity, dict):
        raise bad(f"entity {n} is not an object")
    if entity.get("span") is not None:
        span = entity["span"]
        if not (isinstance(span, (list, tuple)) and len(span) == 2):
            raise bad(f"entity {n} span {span!r} is not [start, end]")
        start, end = span
    else:
        start, end = entity.get("start"), entity.get("end")
    kind = entity.get("type", entity.get("label"))
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        raise bad(f"entity {n} span [{start!r}, {end!r}) is not two character indices")
    if not 0 <= start < end <= len(text):
        raise bad(f"entity {n} span [{start}, {end}) is outside the text's {len(text)} "
                  "characters" if start < end else f"entity {n} span [{start}, {end}) is empty")
    if not isinstance(kind, str) or not kind.strip():
        raise bad(f"entity {n} has no type")
    name = entity.get("name")
    if name is not None and name != text[start:end]:
        raise bad(f"entity {n} name {name!r} differs from its span's text "
                  f"{text[start:end]!r}")
    return {"start": start, "end": end, "type": kind}


def _from_tags(ds, columns: NERColumns, where: str, field: str,
               tag_names: list[str] | None) -> list[dict]:
    import datasets

    words = _need(ds, columns.words, "words", where, field)
    tags = _need(ds, columns.tags, "tags", where, field)
    feature = ds.features[columns.tags]
    inner = getattr(feature, "feature", None)
    if isinstance(feature, list) and feature:
        inner = feature[0]
    if isinstance(inner, datasets.ClassLabel):
        tag_names = list(inner.names)
    rows = []
    for i, (ws, ts) in enumerate(zip(words, tags)):
        def bad(problem: str, i=i):
            return DataError(f"{where} row {i + 1}: {problem}", field=field)

        if not isinstance(ws, list) or not ws or not all(isinstance(w, str) and w.strip()
                                                           for w in ws):
            raise bad("words is not a list of non-empty strings")
        if not isinstance(ts, list):
            raise bad("tags is not a list")
        if len(ts) != len(ws):
            longer = "longer" if len(ts) > len(ws) else "shorter"
            raise bad(f"{len(ts)} tags for {len(ws)} words (the tag list is {longer} than "
                      "its word list)")
        names = [_tag_name(t, tag_names, n, bad) for n, t in enumerate(ts, 1)]
        spans, pos = [], 0
        for w in ws:
            spans.append([pos, pos + len(w)])
            pos += len(w) + 1
        rows.append({TEXT: " ".join(ws), ENTITIES: _tags_to_entities(names, spans, bad),
                     WORDS: spans})
    return rows


def _tag_name(tag, tag_names, n: int, bad) -> str:
    if isinstance(tag, int) and not isinstance(tag, bool):
        if tag_names is None:
            raise bad(f"tag {n} is the id {tag}; give label_names (the tag names in id order)")
        if not 0 <= tag < len(tag_names):
            raise bad(f"tag {n} id {tag} is outside 0..{len(tag_names) - 1}")
        tag = tag_names[tag]
    if not isinstance(tag, str) or not (tag == "O" or tag[:2] in ("B-", "I-") and tag[2:]):
        raise bad(f"tag {n} {tag!r} is not O, B-<type> or I-<type>")
    return tag


def _tags_to_entities(names: list[str], spans: list[list[int]], bad) -> list[dict]:
    entities: list[dict] = []
    for n, tag in enumerate(names):
        if tag.startswith("B-"):
            entities.append({"start": spans[n][0], "end": spans[n][1], "type": tag[2:]})
        elif tag.startswith("I-"):
            prev = names[n - 1] if n else "O"
            if prev == "O" or prev[2:] != tag[2:]:
                raise bad(f"tag {n + 1} {tag} follows {prev} (tags must be IOB2: an entity "
                          "starts with B-)")
            entities[-1]["end"] = spans[n][1]
    return entities


def entity_types(splits: dict, label_names: list[str] | None) -> list[str]:
    """Entity types in the order the model's labels use: `label_names` when given (checked to
    hold every type of the data), else every type of every split, sorted."""
    seen = sorted({e["type"] for ds in splits.values() for row in column_values(ds, ENTITIES)
                   for e in row})
    if label_names is None:
        return seen
    missing = [t for t in seen if t not in label_names]
    if missing:
        raise DataError(f"entity type {missing[0]!r} is not one of label_names {label_names}",
                        field="label_names")
    return list(label_names)
