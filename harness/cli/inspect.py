"""`harness inspect SUITE`: data and tokenizer facts per model × dataset, before training."""

from __future__ import annotations


def add_parser(sub) -> None:
    ins = sub.add_parser("inspect", help="data and tokenizer facts per model × dataset, before training")
    ins.add_argument("suite", help="suite YAML file")
    ins.add_argument("--format", default="md", choices=["md", "json"])


def run(args) -> int:
    from harness.inspection.report import inspect_suite, render

    print(render(inspect_suite(args.suite), args.format), end="")
    return 0
