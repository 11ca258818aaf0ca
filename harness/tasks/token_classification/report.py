"""NER's own report tables: entity scores per type (seqeval strict IOB2, each row's seeds
averaged) and, for the HTML page, the test sentences the best row got most wrong, gold and
predicted entities marked in the text."""

from __future__ import annotations

from harness.metrics.entities import score
from harness.tasks.base import ReportRow, TaskTable, best_trained_row

MICRO = "all (micro)"
WORST = 20


def mark(text: str, entities: list[dict]) -> str:
    """The text with each entity as 【characters|type】."""
    out, pos = [], 0
    for e in sorted(entities, key=lambda e: e["start"]):
        out += [text[pos:e["start"]], f"【{text[e['start']:e['end']]}|{e['type']}】"]
        pos = e["end"]
    return "".join(out + [text[pos:]])


def _entities(row) -> list[dict]:
    return row.get("entities", []) if isinstance(row, dict) else list(row)


def per_type_table(dataset: str, rows: list[ReportRow]) -> TaskTable | None:
    rows = [r for r in rows if r.predictions]
    if not rows:
        return None
    y = rows[0].predictions[0][0]
    types = sorted({e["type"] for t in y for e in t["entities"]}
                   | {e["type"] for r in rows for _, p in r.predictions for row in p
                      for e in _entities(row)})
    support = {t: sum(1 for row in y for e in row["entities"] if e["type"] == t) for t in types}
    texts, gold = [t["text"] for t in y], [t["entities"] for t in y]
    table = []
    for r in rows:
        seeds = [score(texts, gold, [_entities(p) for p in preds], types) for _, preds in r.predictions]
        for t in [*types, MICRO]:
            def mean(key, t=t):
                vals = [s.per_type[t][key] if t != MICRO else getattr(s, key) for s in seeds]
                return sum(vals) / len(vals)

            table.append({"type": t, "support": support[t] if t != MICRO else len(
                [e for g in gold for e in g]), "row": r.label, "seeds": len(seeds),
                "precision": mean("precision"), "recall": mean("recall"), "f1": mean("f1")})
    table.sort(key=lambda d: ([*types, MICRO].index(d["type"]),))
    return TaskTable(f"entity_types_{dataset}", f"{dataset}: entity scores per type (test split)",
                     ["type", "support", "row", "seeds", "precision", "recall", "f1"], table,
                     notes=["seqeval, mode strict, scheme IOB2, over one tag per character "
                            "(docs/span-tasks.md); each row's seeds averaged; support: gold "
                            "entities of the type in the test split"])


def worst_sentences(dataset: str, rows: list[ReportRow]) -> TaskTable | None:
    best = best_trained_row(rows)
    if best is None:
        return None
    y, p = best.predictions[0]
    scored = []
    for i, (truth, pred) in enumerate(zip(y, p)):
        gold = {(e["start"], e["end"], e["type"]) for e in truth["entities"]}
        guess = {(e["start"], e["end"], e["type"]) for e in _entities(pred)}
        if gold != guess:
            scored.append((len(gold - guess) + len(guess - gold), i))
    scored.sort(key=lambda t: (-t[0], t[1]))
    table = [{"#": i + 1, "missed": len({(e["start"], e["end"], e["type"]) for e in y[i]["entities"]}
                                        - {(e["start"], e["end"], e["type"]) for e in _entities(p[i])}),
              "spurious": len({(e["start"], e["end"], e["type"]) for e in _entities(p[i])}
                              - {(e["start"], e["end"], e["type"]) for e in y[i]["entities"]}),
              "gold": mark(y[i]["text"], y[i]["entities"]),
              "predicted": mark(y[i]["text"], _entities(p[i]))}
             for _, i in scored[:WORST]]
    return TaskTable(f"worst_sentences_{dataset}",
                     f"{dataset}: test sentences {best.label} got most wrong (first seed)",
                     ["#", "missed", "spurious", "gold", "predicted"], table,
                     notes=[f"{len(scored)} of {len(y)} sentences differ from the gold entities; "
                            "【characters|type】 marks an entity; missed: gold entities not "
                            "predicted exactly, spurious: predicted ones not in the gold"],
                     detail=True)
