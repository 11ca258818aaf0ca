"""A run's report: its tables in order, its figures and its footer, built once and rendered to
any format. A new table is one builder `(ctx, options) -> Table | None` in TABLES."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from harness.reports.context import ReportContext, load_context
from harness.reports.cost import cost_table
from harness.reports.leaderboard import leaderboard_tables
from harness.reports.method_tables import method_tables
from harness.reports.overview import overview_table
from harness.reports.runtimes import runtime_table
from harness.reports.schedulers import scheduler_table
from harness.reports.search_table import search_table
from harness.reports.selection import RULE
from harness.reports.significance import significance, significance_table, top2_notes
from harness.reports.table import Table
from harness.reports.task_tables import task_tables


@dataclass
class Options:
    scale: float = 1.0
    n_boot: int = 1000
    pairs: str = "leader"  # leader: the leader against each other row; all: every pair
    plots: bool = True


@dataclass
class Report:
    suite_name: str
    tables: list[Table]
    footer: list[str]
    plots: list = field(default_factory=list)  # plots.Plot
    root: Path | None = None
    setup: str = ""  # one sentence: models, data, seeds, device, precision (blog.setup_sentence)
    # files skipped (damaged, or records of a newer schema version): path -> why
    damaged: dict[str, str] = field(default_factory=dict)
    read_only: bool = False  # the results dir could not be written: no figures, no leaderboard.md


def _leaderboard(ctx, opts, state):
    return leaderboard_tables(ctx, opts.scale, top2_notes(ctx, state["significance"]))


def _overview(ctx, opts, state):
    return overview_table(ctx, opts.scale, opts.n_boot)


def _search(ctx, opts, state):
    return search_table(ctx, opts.scale)


def _schedulers(ctx, opts, state):
    return scheduler_table(ctx, opts.scale)


def _cost(ctx, opts, state):
    return cost_table(ctx, opts.scale)


def _significance(ctx, opts, state):
    return significance_table(ctx, state["significance"])


def _runtimes(ctx, opts, state):
    return runtime_table(ctx, opts.n_boot)


def _methods(ctx, opts, state):
    return method_tables(ctx)


def _tasks(ctx, opts, state):
    return task_tables(ctx)


# each: a Table, a list or None; a table with no rows is left out
TABLES = [_overview, _leaderboard, _search, _schedulers, _cost, _significance, _runtimes,
          _methods, _tasks]


def build_report(results_dir: str | Path, opts: Options | None = None) -> Report:
    opts = opts or Options()
    ctx: ReportContext = load_context(Path(results_dir), opts.n_boot)
    state = {"significance": significance(ctx, opts.n_boot, opts.pairs)}
    tables = []
    for make in TABLES:
        made = make(ctx, opts, state)
        tables += made if isinstance(made, list) else [made] if made is not None else []
    tables = [t for t in tables if t.rows]  # no empty tables (an mteb-only suite's cost table)
    plots = []
    read_only = not ctx.store.writable()
    if opts.plots and not read_only:
        from harness.reports.plots import write_plots

        plots = write_plots(ctx)
    from harness.reports.blog import setup_sentence
    from harness.runtimes.cpu_peaks import bf16_note

    return Report(ctx.suite_name, tables, ctx.footer + selection_footer(ctx)
                  + bf16_note(ctx.all_records), plots, ctx.store.root, setup_sentence(ctx),
                  {**ctx.damaged, **ctx.store.newer}, read_only)


def selection_footer(ctx: ReportContext) -> list[str]:
    """The footer names the selection split and metric where a grid or search ran."""
    if not ctx.searched():
        return []
    metric = ", ".join(ctx.selection_metrics)
    rule = RULE.format(split="validation", metric=metric)
    return [f"selection: on the validation split, metric {metric}: {rule}"]
