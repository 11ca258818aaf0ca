"""`harness compare BASE NEW`: two runs of a suite with noise-aware verdicts (and the gate with
`--fail-on regression`)."""

from __future__ import annotations

import math
import sys

from harness.cli.numbers import whole
from harness.errors import HarnessError
from harness.store.store import open_results


def add_comparison_args(cmp) -> None:
    """Arguments compare and gate share."""
    cmp.add_argument("base", metavar="BASE_RUN", help="results dir of the earlier run")
    cmp.add_argument("new", metavar="NEW_RUN", help="results dir of the later run")
    cmp.add_argument("--metric", help="quality metric (default: the suite's main metric)")
    cmp.add_argument("--min-diff", action="append", default=[], metavar="METRIC=VALUE",
                     help="minimum practical difference of a metric (default 0.005)")
    cmp.add_argument("--bootstrap", type=int, default=1000, metavar="N")


def add_parser(sub) -> None:
    cmp = sub.add_parser("compare", help="compare two runs of a suite with noise-aware verdicts")
    add_comparison_args(cmp)
    cmp.add_argument("--format", default="md", choices=["md", "csv", "json"])
    cmp.add_argument("--fail-on", choices=["regression"],
                     help="exit 1 when the gate fails (one line per failed row)")


def run(args) -> int:
    from harness.compare.gate import gate_failures
    from harness.compare.render import render

    result = comparison(args)
    print(render(result, args.format), end="")
    incomplete = damaged_exit(result)
    if args.fail_on != "regression":
        return incomplete
    return gate_exit(gate_failures(result)) or incomplete


def damaged_exit(result) -> int:
    """1 (with a warning per file) when damaged files were skipped on either side."""
    for line in result.damaged:
        print(f"harness: warning: damaged: skipped {line}", file=sys.stderr)
    return 1 if result.damaged else 0


def comparison(args):
    """The comparison of args.base and args.new (flags checked first: exit 2 on bad ones)."""
    from harness.compare.rows import compare_runs

    whole(args.bootstrap, "--bootstrap", 1)
    for d in (args.base, args.new):
        open_results(d)  # a folder that can be read, checked before either is loaded
    return compare_runs(args.base, args.new, args.metric, args.bootstrap, min_diff(args.min_diff))


def min_diff(items: list[str]) -> dict[str, float]:
    out = {}
    for item in items:
        name, _, value = item.partition("=")
        try:
            out[name] = float(value)
        except ValueError:
            raise HarnessError(f"expected METRIC=VALUE with a number, got {item!r}",
                               field="--min-diff") from None
        if not math.isfinite(out[name]) or not out[name] >= 0:
            raise HarnessError(f"must be a finite number >= 0, got {item!r}", field="--min-diff")
    return out


def gate_exit(failures: list[str]) -> int:
    for line in failures:
        print(f"harness: gate failed: {line}", file=sys.stderr)
    return 1 if failures else 0
