"""Per-query scores of a retrieval or reranking trial and its worst queries (query, gold
passages, what the model retrieved instead), for the report's per-query view.

mteb computes a score per query (pytrec_eval) and then keeps only the means. Its hook
`AbsTaskRetrieval.task_specific_scores(scores, qrels, results, hf_split, hf_subset)` receives
the per-query scores and every query's hits: `watch(task)` wraps the task object's hook
(calling the task's own first, so a task that defines extra scores keeps them) and keeps what
the view needs while the task's texts are loaded.
"""

from __future__ import annotations

WORST = 10  # queries kept with their texts
SHOWN = 3  # gold and retrieved passages kept per query
TEXT_CHARS = 300
_PYTREC = {"ndcg": "ndcg_cut", "map": "map_cut", "recall": "recall", "precision": "P",
           "hit_rate": "success"}


def pytrec_name(score: str) -> tuple[str, int] | None:
    """('ndcg_cut_10', 10) for 'ndcg_at_10'; mrr: ('mrr', k); None for other scores."""
    family, _, k = score.rpartition("_at_")
    if not k.isdigit():
        return None
    if family == "mrr":
        return "mrr", int(k)
    return (f"{_PYTREC[family]}_{k}", int(k)) if family in _PYTREC else None


class QueryView:
    """Collects, per (split, subset), every query's main score and the worst queries."""

    def __init__(self, task, main_score: str):
        self.task = task
        found = pytrec_name(main_score)
        self.score_name, self.key = (main_score, found) if found else ("ndcg_at_10",
                                                                       ("ndcg_cut_10", 10))
        self.views: list[dict] = []
        own = task.task_specific_scores

        def hook(scores, qrels, results, hf_split, hf_subset):
            extra = own(scores, qrels, results, hf_split=hf_split, hf_subset=hf_subset)
            self.views.append(self._view(scores, qrels, results, hf_split, hf_subset))
            return extra

        task.task_specific_scores = hook  # this task object only

    def _view(self, scores, qrels, results, split: str, subset: str) -> dict:
        ranked = {q: sorted(hits.items(), key=lambda h: (h[1], h[0]), reverse=True)
                  for q, hits in results.items()}
        per_query = {}
        for q in qrels:
            if q not in results:
                continue
            name, k = self.key
            if name == "mrr":
                rank = _first_relevant(ranked[q], qrels[q])
                per_query[q] = 1.0 / rank if rank is not None and rank <= k else 0.0
            else:
                per_query[q] = float(scores.get(q, {}).get(name, 0.0))
        worst = sorted(per_query, key=lambda q: (per_query[q], q))[:WORST]
        data = self.task.dataset[subset][split]
        query_text = _texts(data["queries"], worst)
        gold = {q: sorted(((d, r) for d, r in qrels[q].items() if r > 0),
                          key=lambda x: (-x[1], x[0]))[:SHOWN] for q in worst}
        shown = {d for q in worst for d, _ in gold[q]} | {d for q in worst
                                                          for d, _ in ranked[q][:SHOWN]}
        doc_text = _texts(data["corpus"], sorted(shown))
        rows = []
        for q in worst:
            rows.append({
                "query_id": q, "query": _cut(query_text.get(q, "")), "score": per_query[q],
                "first_relevant_rank": _first_relevant(ranked[q], qrels[q]),
                "gold": [{"id": d, "relevance": r, "text": _cut(doc_text.get(d, ""))}
                         for d, r in gold[q]],
                "retrieved": [{"id": d, "score": float(s), "relevant": qrels[q].get(d, 0) > 0,
                               "text": _cut(doc_text.get(d, ""))} for d, s in ranked[q][:SHOWN]],
            })
        return {"split": split, "subset": subset, "score_name": self.score_name,
                "queries": len(per_query), "per_query": per_query, "worst": rows}


def _first_relevant(ranked: list, qrels: dict) -> int | None:
    return next((i + 1 for i, (d, _) in enumerate(ranked) if qrels.get(d, 0) > 0), None)


def _texts(ds, ids) -> dict[str, str]:
    """id -> text (title and text for passages) of the given ids, in one pass over the ids."""
    wanted = set(ids)
    rows = [i for i, d in enumerate(ds["id"][:]) if d in wanted]
    picked = ds.select(rows)
    titles = picked["title"][:] if "title" in picked.column_names else [""] * len(rows)
    out = {}
    for d, title, text in zip(picked["id"][:], titles, picked["text"][:]):
        text = text if isinstance(text, str) else str(text)
        out[d] = f"{title} {text}".strip() if isinstance(title, str) and title else text
    return out


def _cut(text: str) -> str:
    return text if len(text) <= TEXT_CHARS else text[:TEXT_CHARS - 1] + "…"
