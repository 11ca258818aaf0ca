"""The tables task types contribute (harness.tasks.base.TaskTable), per dataset, after the shared
ones: NER's per-type scores, the worst questions and sentences of a span task's best row (HTML
detail views). Each task type gets its dataset's report rows (the selected configuration of each,
≈ majority marks included) with their stored test predictions."""

from __future__ import annotations

from harness.reports.context import ReportContext
from harness.reports.method_tables import as_table
from harness.reports.table import Table
from harness.tasks.base import ReportRow


def task_tables(ctx: ReportContext) -> list[Table]:
    by_dataset: dict[str, list] = {}
    for g in ctx.groups():
        by_dataset.setdefault(g.dataset, []).append(g)
    out = []
    for dataset, groups in by_dataset.items():
        main = ctx.main_for(dataset)
        rows = []
        for g in groups:
            values = g.values(main)
            preds = [p for p in (ctx.predictions(r) for r in g.ok) if p is not None]
            rows.append(ReportRow(g.label, g.baseline, sum(values) / len(values) if values else None,
                                  preds))
        out += [as_table(t) for t in ctx.task_for(dataset).report_tables(dataset, rows)]
    return out
