"""The CLI ends of history, compare, gate and nightly (argument checks, output, exit codes)."""

from __future__ import annotations

import sys
from pathlib import Path

from harness.errors import HarnessError


def _warn(message: str) -> None:
    print(f"harness: warning: {message}", file=sys.stderr)


def cmd_history(args) -> int:
    from types import SimpleNamespace

    from harness.history.table import collect, history_table
    from harness.reports.render import csv_text, json_text, markdown

    hist = collect(args.root, args.metric, args.model, args.dataset, warn=_warn)
    table = history_table(hist)
    if args.format == "csv":
        table.key = "leaderboard"  # csv_text writes the leaderboard-keyed table's rows
    report = SimpleNamespace(suite_name="", tables=[table], plots=[], footer=[])
    print({"md": markdown, "csv": csv_text, "json": json_text}[args.format](report), end="")
    if not args.no_plot:
        from harness.history.trend import trend_png
        from harness.trial import safe_name

        path = trend_png(hist, args.plot or Path(args.root) / f"history-{safe_name(hist.metric)}.png")
        print(f"harness: wrote {path}", file=sys.stderr)
    return 0


def _min_diff(items: list[str]) -> dict[str, float]:
    out = {}
    for item in items:
        name, _, value = item.partition("=")
        try:
            out[name] = float(value)
        except ValueError:
            raise HarnessError(f"expected METRIC=VALUE with a number, got {item!r}",
                               field="--min-diff") from None
        if not out[name] >= 0:
            raise HarnessError(f"must be >= 0, got {item!r}", field="--min-diff")
    return out


def _comparison(args):
    from harness.compare.rows import compare_runs

    if args.bootstrap < 1:
        raise HarnessError(f"must be >= 1, got {args.bootstrap}", field="--bootstrap")
    for d in (args.base, args.new):
        if not Path(d).is_dir():
            raise HarnessError("run dir not found", file=d)
    return compare_runs(args.base, args.new, args.metric, args.bootstrap, _min_diff(args.min_diff))


def cmd_compare(args) -> int:
    from harness.compare.gate import gate_failures
    from harness.compare.render import render

    comparison = _comparison(args)
    print(render(comparison, args.format), end="")
    if args.fail_on != "regression":
        return 0
    return _gate_exit(gate_failures(comparison))


def cmd_gate(args) -> int:
    from harness.compare.gate import gate_failures

    failures = gate_failures(_comparison(args))
    if not failures:
        print("harness: gate passed")
    return _gate_exit(failures)


def _gate_exit(failures: list[str]) -> int:
    for line in failures:
        print(f"harness: gate failed: {line}", file=sys.stderr)
    return 1 if failures else 0


def cmd_nightly(args) -> int:
    from harness.cpu import choose_omp_wait_policy
    from harness.nightly import nightly

    choose_omp_wait_policy()
    if args.bootstrap < 1:
        raise HarnessError(f"must be >= 1, got {args.bootstrap}", field="--bootstrap")
    return nightly(args.suite, args.root, force=args.force, name=args.name, n_boot=args.bootstrap)


COMMANDS = {"history": cmd_history, "compare": cmd_compare, "gate": cmd_gate,
            "nightly": cmd_nightly}
