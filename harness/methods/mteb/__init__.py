"""mteb: MTEB tasks (by name from mteb's registry, or local from the suite's files) evaluated on
each model with `mteb.evaluate`, one trial per model × task.

spec.py (suite entry, local task types, search) · plan.py (trials, keys) · checks.py (task names,
local files) · run.py · tasks.py (mteb task objects) · local_tasks.py (files -> mteb columns) ·
retrieval_data.py (corpus, queries, judgements; reranking rows) · search.py (embeddings cache,
exact and FAISS search) · per_query.py (per-query scores, worst queries) · encoder.py (the model
as a SentenceTransformer with its own ModelMeta) · report.py (its tables).
"""

from __future__ import annotations

from harness.methods.base import Method, MethodOutcome
from harness.methods.mteb.checks import check_mteb
from harness.methods.mteb.plan import mteb_trials
from harness.methods.mteb.report import embeddings_table, worst_queries_table
from harness.methods.mteb.spec import MtebMethod


class Mteb(Method):
    name = "mteb"
    spec = MtebMethod
    needs_datasets = False
    runtimes = True  # encodes through the suite model's runtimes too (runtime_encoder.py)

    def model_trials(self, spec, model, plan):
        return mteb_trials(spec, model, plan)

    def check(self, spec, index, suite_file):
        return check_mteb(spec, index, suite_file)

    def hub_data(self, spec, index):
        from harness.methods.mteb.tasks import named_hub_data  # imports mteb for named tasks

        return named_hub_data(spec, index)

    def run(self, trial, ctx) -> MethodOutcome:
        from harness.methods.mteb.run import run  # mteb, torch: trial time only

        return run(trial, ctx)

    def row_label(self, record) -> None:
        return None  # its tasks are not the suite's datasets: own table (report_tables)

    def headline(self, record) -> dict[str, float | None]:
        split = record.embedding.eval_split if record.embedding else "test"
        return {"main_score": record.metrics.get(split, {}).get("main_score")}

    def report_tables(self, records):
        table = embeddings_table(records)
        return [table] if table is not None else []

    def report_details(self, records, root):
        table = worst_queries_table(records, root)
        return [table] if table is not None else []


METHOD = Mteb()
