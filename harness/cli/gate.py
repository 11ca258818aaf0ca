"""`harness gate BASE NEW`: exit 1 when NEW fails the suite's gate against BASE."""

from __future__ import annotations

from harness.cli.compare import add_comparison_args, comparison, gate_exit


def add_parser(sub) -> None:
    add_comparison_args(sub.add_parser("gate", help="exit 1 when NEW fails the suite's gate "
                                                    "against BASE"))


def run(args) -> int:
    from harness.compare.gate import gate_failures

    failures = gate_failures(comparison(args))
    if not failures:
        print("harness: gate passed")
    return gate_exit(failures)
