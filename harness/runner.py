"""`harness run`: validate, plan, execute the trials that are not done, store, report."""

from __future__ import annotations

import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import yaml

from harness.errors import HarnessError, SuiteErrors
from harness.execution.executors import EXECUTORS
from harness.fetch import for_pending, hub_line, materialize
from harness.history.identity import (
    device_identity,
    hub_identity,
    resolved_revisions,
    reused_ids,
    run_identity,
)
from harness.plan.trials import build_plan, plan_line
from harness.specs.tracking import with_defaults
from harness.store.store import ResultsStore, open_results
from harness.suite.checks import check_suite
from harness.suite.loader import LoadedSuite, load_suite
from harness.trackers.checks import check_tracking
from harness.trackers.session import finish_stores, prepare_stores


def validated(path: str | Path, results_dir: str | Path | None = None) -> LoadedSuite:
    """Load and check a suite (its trackers against `results_dir`, default results/<name>);
    raise SuiteErrors (exit 2) before any model loads."""
    loaded = load_suite(path)
    findings, errors = check_suite(loaded, for_run=True)
    root = results_root(loaded.suite, results_dir)
    try:  # a file, or a read-only folder, in its place: one line now, before any compute
        open_results(root, write=True)
    except HarnessError as e:
        errors.append(HarnessError(e.message, file=e.file,
                                   field=None if results_dir is None else "--results-dir"))
    errors += check_tracking(loaded, root)
    if errors:
        raise SuiteErrors(errors)
    return loaded


def results_root(suite, results_dir: str | Path | None = None) -> Path:
    return Path(results_dir) if results_dir else Path("results") / suite.name


def resolved_yaml(loaded: LoadedSuite) -> str:
    data = loaded.suite.model_dump(mode="json")
    header = f"# resolved from {loaded.path.resolve()} (defaults filled in, paths absolute)\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def run_suite(path: str | Path, results_dir: str | Path | None = None, executor: str = "local",
              verbose: bool = False, echo: Callable[[str], None] = print,
              loaded: LoadedSuite | None = None, **executor_options) -> int:
    """`harness run`, the whole flow: validate the suite (bad input: exit 2 before any compute),
    expand its plan, run every trial that has no ok record yet through `executor` (each record
    written as its trial ends), note the run in runs/<run_id>.json and print the leaderboard.
    Returns the exit code: 0 all ok, 1 a trial failed or diverged, 130 interrupted.
    (A suite with `search:` runs through harness.search, which uses the pieces below.)"""
    from harness.quiet import quiet_libraries

    quiet_libraries(verbose)  # no progress bars from validation's data loading
    started_clock = time.perf_counter()  # the run's wall time, for the hub's share of it
    loaded = loaded or validated(path, results_dir)
    suite = loaded.suite
    store = ResultsStore(results_root(suite, results_dir))
    suite = with_tracking_defaults(suite, store)
    trials = build_plan(suite)
    materialize(loaded, for_pending(loaded, trials, store))  # hub files, before anything is written
    run = RunLog.begin(loaded, store, trials, started_clock)
    echo(f"harness: {suite.name}: {plan_line(trials)} -> {store.root}")
    with tracker_stores(suite, run.run_id, echo):
        outcomes = EXECUTORS[executor](trials, suite, store, run.run_id, verbose=verbose,
                                      echo=echo, **executor_options)
    return run.finish(outcomes, echo)


def with_tracking_defaults(suite, store: ResultsStore):
    """The suite with its trackers' defaults filled in under this results dir."""
    if not suite.tracking:
        return suite
    return suite.model_copy(update={"tracking": with_defaults(suite.tracking, store.root,
                                                               suite.name)})


@contextmanager
def tracker_stores(suite, run_id: str, echo):
    """What the trackers need once per run (an MLflow store and the suite's parent run) around
    the trials; a problem is a warning line (each record says what its tracker made of it)."""
    for line in prepare_stores(suite.tracking, run_id):
        echo(f"harness: warning: {line}")
    try:
        yield
    finally:
        for line in finish_stores(suite.tracking, run_id):
            echo(f"harness: warning: {line}")


@dataclass
class RunLog:
    """runs/<run_id>.json of one run: written when it starts (plan size, owner, identity) and
    again when it ends (outcomes, counts, wall time)."""

    store: ResultsStore
    run_id: str
    info: dict
    resolved: str
    t0: float
    started_clock: float  # before validation: the hub's share of the whole run
    runtime_ids: set = field(default_factory=set)  # trials that evaluate a model again: no training

    @classmethod
    def begin(cls, loaded: LoadedSuite, store: ResultsStore, trials,
              started_clock: float) -> "RunLog":
        run_id = new_run_id()
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        store.write_plan(plan_entries(trials))
        info = {"run_id": run_id, "suite": str(loaded.path.resolve()), "started_at": started,
                "trials": len(trials), "status": "running", **run_owner(),
                **run_identity(loaded.suite, trials)}
        run = cls(store, run_id, info, resolved_yaml(loaded), time.perf_counter(), started_clock,
                  {t.trial_id for t in trials if t.runtime})
        store.write_run(run_id, info, run.resolved)
        return run

    def replan(self, suite, trials) -> None:
        """A search added configurations: plan.json and the run file name every trial so far."""
        self.store.write_plan(plan_entries(trials))
        self.info.update(trials=len(trials), **run_identity(suite, trials))
        self.runtime_ids |= {t.trial_id for t in trials if t.runtime}
        self.store.write_run(self.run_id, self.info, self.resolved)

    def finish(self, outcomes: dict[str, str], echo) -> int:
        """Count the outcomes, write the run file, print the summary lines and the leaderboard;
        the exit code."""
        store, run_info = self.store, self.info
        counts = {s: sum(1 for o in outcomes.values() if o == s)
                  for s in ("skipped", "ok", "failed", "diverged", "pruned", "interrupted",
                            "elsewhere", "not started")}
        stopped = counts["interrupted"] or counts["not started"]
        run_info.update(status="interrupted" if stopped else "done",
                        finished_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        wall_s=round(time.perf_counter() - self.t0, 2), outcomes=outcomes,
                        counts=counts)
        reused = reused_ids(store, outcomes)
        run_info.update(reused=len(reused),
                        computed=counts["ok"] + counts["failed"] + counts["diverged"]
                        + counts["pruned"],
                        resolved_revisions=resolved_revisions(store, outcomes), **device_identity(),
                        **hub_identity(time.perf_counter() - self.started_clock))
        store.write_run(self.run_id, run_info, self.resolved)
        through = sum(1 for t, o in outcomes.items() if o == "ok" and t in self.runtime_ids)
        echo(f"harness: {counts['ok'] - through} trained"
             + (f", {through} through runtimes (no training)" if through else "")
             + f", {counts['skipped']} already done, "
             f"{counts['failed'] + counts['diverged']} failed"
             + (f", {counts['pruned']} pruned" if counts["pruned"] else "")
             + f" in {run_info['wall_s']:.1f} s")
        if (line := hub_line(time.perf_counter() - self.started_clock)) is not None:
            echo(line)
        if reused:
            echo(f"harness: {len(reused)} of the done trials were reused from earlier runs "
                 "(reused_from)")
        echo(outcome_line(counts))
        echo("")
        if store.records_dir.is_dir() and any(store.records_dir.glob("*.json")):
            echo(report(store.root, "md", plots=False))
        if stopped:
            return 130
        return 1 if counts["failed"] or counts["diverged"] else 0


def plan_entries(trials) -> list[dict]:
    """plan.json: each trial's key, id, label and (when a grid or search varies fields) its
    configuration, which reports group and select by."""
    return [{"key": t.key, "trial_id": t.trial_id, "label": t.label,
             **({"configuration": t.configuration} if t.configuration else {})} for t in trials]


def run_owner() -> dict:
    """Who runs this: lets a later run mark this one abandoned if its process was killed."""
    import os

    from harness.store.claims import process_start_time
    from harness.store.files import HOST

    return {"pid": os.getpid(), "host": HOST, "process_started": process_start_time(os.getpid())}


def outcome_line(counts: dict[str, int]) -> str:
    """Every outcome with a count, so the exit code is explained in one line."""
    shown = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
    return f"harness: outcomes: {shown or 'no trials'}"


def report(results_dir: str | Path, fmt: str = "md", *, scale: float = 1.0, n_boot: int = 1000,
           pairs: str = "leader", plots: bool | None = None, blog_path: Path | None = None,
           warnings: list[str] | None = None) -> str:
    """The report of a results dir in one format. md is also saved as leaderboard.md there;
    plots (PNG under plots/) are drawn for md and html unless `plots=False`. With `blog_path`
    (md only), the compact post section for a markdown file there (harness.reports.blog), the
    leaderboard ×100. `warnings` gets a line per file skipped (`skipped ...`: damaged, or a
    record of a newer schema version) and one when the results dir is read-only (nothing
    written there)."""
    from harness.reports.assemble import Options, build_report
    from harness.reports.html import html_page
    from harness.reports.render import csv_text, json_text, latex, markdown

    if plots is None:
        plots = fmt in ("md", "html")
    if blog_path is not None:
        from harness.reports.blog import BLOG_SCALE, blog_markdown

        rep = build_report(results_dir, Options(scale=BLOG_SCALE, n_boot=n_boot, pairs=pairs,
                                                plots=plots))
        _report_warnings(rep, warnings, plots)
        return blog_markdown(rep, blog_path)
    rep = build_report(results_dir, Options(scale=scale, n_boot=n_boot, pairs=pairs, plots=plots))
    render = {"md": markdown, "csv": csv_text, "latex": latex, "json": json_text, "html": html_page}
    text = render[fmt](rep)
    _report_warnings(rep, warnings, plots)
    if fmt == "md" and not rep.read_only:
        ResultsStore(Path(results_dir)).write_text("leaderboard.md", text)
    return text


def _report_warnings(rep, warnings: list[str] | None, plots: bool) -> None:
    if warnings is None:
        return
    warnings += [f"skipped {rep.root}/{rel}: {problem}" for rel, problem in rep.damaged.items()]
    if rep.damaged:
        warnings.append(f"skipped files: `harness doctor {rep.root}` lists them and how to repair")
    if rep.read_only:
        warnings.append(f"{rep.root} is read-only: leaderboard.md"
                        + (" and figures" if plots else "") + " not written there")
