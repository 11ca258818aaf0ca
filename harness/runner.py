"""`harness run`: validate, plan, execute the trials that are not done, store, report."""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timezone
from pathlib import Path

import yaml

from harness.errors import SuiteErrors
from harness.plan.trials import build_plan
from harness.reports.leaderboard import leaderboard_frame, render
from harness.store.store import ResultsStore
from harness.suite.checks import check_suite
from harness.suite.loader import LoadedSuite, load_suite
from harness.trials.executors import EXECUTORS


def validated(path: str | Path) -> LoadedSuite:
    """Load and check a suite; raise SuiteErrors (exit 2) before any model loads."""
    loaded = load_suite(path)
    findings, errors = check_suite(loaded)
    if errors:
        raise SuiteErrors(errors)
    return loaded


def resolved_yaml(loaded: LoadedSuite) -> str:
    data = loaded.suite.model_dump(mode="json")
    header = f"# resolved from {loaded.path.resolve()} (defaults filled in, paths absolute)\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def run_suite(path: str | Path, results_dir: str | Path | None = None, executor: str = "local",
              verbose: bool = False, echo=print) -> int:
    loaded = validated(path)
    suite = loaded.suite
    store = ResultsStore(results_dir or Path("results") / suite.name)
    trials = build_plan(suite)
    run_id = new_run_id()
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    store.write_plan([{"key": t.key, "trial_id": t.trial_id, "label": t.label} for t in trials])
    run_info = {"run_id": run_id, "suite": str(loaded.path.resolve()), "started_at": started,
                "trials": len(trials), "status": "running"}
    resolved = resolved_yaml(loaded)
    store.write_run(run_id, run_info, resolved)
    echo(f"harness: {suite.name}: {len(trials)} trials -> {store.root}")
    t0 = time.perf_counter()
    outcomes = EXECUTORS[executor](trials, suite, store, run_id, verbose=verbose, echo=echo)
    counts = {s: sum(1 for o in outcomes.values() if o == s)
              for s in ("skipped", "ok", "failed", "diverged", "interrupted")}
    run_info.update(status="done", finished_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    wall_s=round(time.perf_counter() - t0, 2), outcomes=outcomes, counts=counts)
    store.write_run(run_id, run_info, resolved)
    echo(f"harness: {counts['ok']} trained, {counts['skipped']} already done, "
         f"{counts['failed'] + counts['diverged']} failed in {run_info['wall_s']:.1f} s")
    echo("")
    echo(report(store.root, "md"))
    return 1 if counts["failed"] or counts["diverged"] or counts["interrupted"] else 0


def report(results_dir: str | Path, fmt: str = "md") -> str:
    from harness.reports.context import report_inputs

    store, records, metrics, main, title, footer = report_inputs(Path(results_dir))
    from harness.reports.embeddings import add_embeddings, classification_records

    frame = leaderboard_frame(classification_records(records), metrics, main)
    text = add_embeddings(render(frame, fmt, title=title, footer=footer), records, fmt)
    if fmt == "md":
        store.write_text("leaderboard.md", text)
    return text
