"""`harness nightly SUITE --root DIR`: the whole night in one command.

1. a new dated run dir under ROOT (YYYY-MM-DD, then .2, .3 for more runs that day);
2. trials whose key has an ok record in an earlier run dir under ROOT are reused (not with --force);
3. `harness run` into it, then its report as leaderboard.md and report.html;
4. compare with the latest earlier successful run of the same suite, apply the gate;
5. summary.md (for $GITHUB_STEP_SUMMARY), comparison.md / comparison.json.
Exit: 0 fine, 1 a trial failed or the gate failed, 2 bad input, 130 interrupted."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

from harness.errors import HarnessError
from harness.history.runs import RunDir, run_dirs


def new_run_dir(root: Path, name: str | None) -> Path:
    if name is not None:
        from harness.trial import safe_name

        if safe_name(name) != name:
            raise HarnessError(f"not a plain dir name: {name!r} (letters, digits, '.', '_', '-')",
                               field="--name")
        path = root / name
        if (path / "runs").is_dir():
            raise HarnessError("run dir already holds a run", file=str(path), field="--name")
        return path
    day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    path, n = root / day, 1
    while path.exists():
        n += 1
        path = root / f"{day}.{n}"
    return path


def latest_base(root: Path, run_dir: Path, suite_name: str, warn) -> RunDir | None:
    runs = [r for r in run_dirs(root, warn) if r.path.resolve() != run_dir.resolve()
            and r.successful and r.suite_name == suite_name]
    return runs[-1] if runs else None


def nightly(suite_path: str, root: str, *, force: bool = False, name: str | None = None,
            n_boot: int = 1000, echo=print) -> int:
    from harness.history.reuse import reuse_earlier
    from harness.plan.trials import build_plan
    from harness.runner import validated
    from harness.search.driver import run as run_suite_or_search

    t0 = time.perf_counter()
    loaded = validated(suite_path)
    root_path = Path(root)
    root_path.mkdir(parents=True, exist_ok=True)
    run_dir = new_run_dir(root_path, name)

    def warn(message: str) -> None:
        echo(f"harness: warning: {message}")

    trials = build_plan(loaded.suite)
    reused = [] if force else reuse_earlier(root_path, run_dir, trials, warn)
    echo(f"harness: nightly: {len(reused)} of {len(trials)} trials reused from earlier runs "
         f"under {root_path}" + (" (--force: none reused)" if force else ""))
    code = run_suite_or_search(suite_path, run_dir, echo=echo)
    if code == 130:
        return code
    _reports(run_dir, n_boot)
    base = latest_base(root_path, run_dir, loaded.suite.name, warn)
    try:
        comparison_md, failures = _compare(base, run_dir, n_boot)
    except HarnessError as e:  # e.g. a corrupt record in the base run: the night's results stay
        comparison_md, failures = None, [f"no comparison with {base.name}: {e}"]
        code = 2
    wall = time.perf_counter() - t0
    from harness.history.summary import summary_md
    from harness.store.store import ResultsStore

    text = summary_md(run_dir, base, len(trials), len(reused), comparison_md, failures, wall)
    ResultsStore(run_dir).write_text("summary.md", text)
    for line in failures:
        echo(f"harness: gate failed: {line}")
    echo(f"harness: nightly: wrote {run_dir / 'summary.md'} ({wall:.1f} s)")
    return code or (1 if failures else 0)


def _reports(run_dir: Path, n_boot: int) -> None:
    from harness.runner import report
    from harness.store.store import ResultsStore

    report(run_dir, "md", n_boot=n_boot)
    ResultsStore(run_dir).write_text("report.html", report(run_dir, "html", n_boot=n_boot,
                                                           plots=True))


def _compare(base: RunDir | None, run_dir: Path, n_boot: int) -> tuple[str | None, list[str]]:
    if base is None:
        return None, []
    from harness.compare.gate import gate_failures
    from harness.compare.render import render
    from harness.compare.rows import compare_runs
    from harness.store.store import ResultsStore

    comparison = compare_runs(base.path, run_dir, n_boot=n_boot)
    md = render(comparison, "md")
    store = ResultsStore(run_dir)
    store.write_text("comparison.md", md)
    store.write_text("comparison.json", render(comparison, "json"))
    # a damaged file on either side left results out: the gate cannot pass on what is left
    return md, gate_failures(comparison) + [f"damaged, skipped: {d}" for d in comparison.damaged]
