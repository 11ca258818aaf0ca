"""`harness history ROOT`: a metric over the runs under ROOT, one row per model × dataset ×
method × scheduler, one column per run dir (mean ± 95 % t-interval over seeds; where a grid or
search ran, of the configuration that run selected on validation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import HarnessError
from harness.history.runs import RunDir, resolved_suite, run_dirs, run_records
from harness.reports.groups import group_records
from harness.reports.scores import dataset_scores
from harness.reports.selection import choose, chosen_group
from harness.reports.stats import Interval, t_interval
from harness.reports.table import DASH, Cell, Table, fmt_interval, interval_data


@dataclass
class History:
    metric: str
    runs: list[RunDir]
    series: dict[tuple, dict[str, Interval]] = field(default_factory=dict)  # row -> run name -> iv


def collect(root: str | Path, metric: str | None = None, models=None, datasets=None,
            warn=print) -> History:
    runs = run_dirs(root, warn)
    if not runs:
        raise HarnessError("no run dirs here (a run dir holds runs/<run_id>.json)", file=str(root))
    hist = History(metric or "main metric", runs)
    mains = set()
    for run in runs:
        records = [r for r in run_records(run, warn)
                   if not (models and r.model_name not in models)
                   and not (datasets and r.dataset_name not in datasets)]
        if not records:
            continue
        scores = dataset_scores(records, resolved_suite(run.path))
        # one row per model × dataset × method × scheduler: its configuration selected on
        # validation in that run (harness.reports.selection), never the configurations pooled
        for choice in choose(group_records(records), scores):
            g = chosen_group(choice)
            mains.add(scores[g.dataset].main)
            vals = g.values(metric or scores[g.dataset].main)
            if vals:
                key = (g.model, g.dataset, g.method, g.scheduler)
                hist.series.setdefault(key, {})[run.name] = t_interval(vals)
    if metric is None and len(mains) == 1:  # every dataset shares its main metric: name it
        hist.metric = mains.pop()
    if not hist.series:
        raise HarnessError(f"no ok trial under this root has a test {metric or 'main metric'!r}"
                           + (" (with these --model/--dataset filters)" if models or datasets else ""),
                           file=str(root))
    return hist


def history_table(hist: History) -> Table:
    what = hist.metric if hist.metric != "main metric" else "each dataset's main metric"
    table = Table("history", f"{what} (test) over {len(hist.runs)} runs",
                  ["model", "dataset", "method", "scheduler"] + [r.name for r in hist.runs])
    for key, per_run in sorted(hist.series.items()):
        cells = [Cell(k) for k in key]
        for run in hist.runs:
            iv = per_run.get(run.name)
            cells.append(Cell(fmt_interval(iv) if iv else DASH, iv.mean if iv else None))
            if iv:
                table.data.append({"run": run.name, "run_id": run.info.get("run_id"),
                                   "started_at": run.started,
                                   "git_sha": run.info.get("git_sha"),
                                   "code_stamp": run.info.get("code_stamp"),
                                   "model": key[0], "dataset": key[1], "method": key[2],
                                   "scheduler": key[3], "metric": hist.metric,
                                   **interval_data("mean", iv), "n": iv.n})
        table.rows.append(cells)
    table.notes.append("Mean ± half-width of the 95 % t-interval over seeds; — where the run has "
                       "no ok trial of that row.")
    return table
