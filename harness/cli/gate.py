"""`harness gate BASE NEW`: exit 1 when NEW fails the suite's gate against BASE."""

from __future__ import annotations

from harness.cli.compare import add_comparison_args, comparison, damaged_exit, gate_exit


def add_parser(sub) -> None:
    add_comparison_args(sub.add_parser("gate", help="exit 1 when NEW fails the suite's gate "
                                                    "against BASE"))


def run(args) -> int:
    from harness.compare.gate import gate_failures

    result = comparison(args)
    failures = gate_failures(result)
    incomplete = damaged_exit(result)  # a gate over skipped results does not pass
    if not failures and not incomplete:
        print("harness: gate passed")
    return gate_exit(failures) or incomplete
