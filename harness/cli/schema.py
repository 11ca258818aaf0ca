"""`harness schema [--record]`: the JSON Schema of suite files (or of trial records)."""

from __future__ import annotations

import json


def add_parser(sub) -> None:
    sch = sub.add_parser("schema", help="print the JSON Schema of suite files (or of records)")
    sch.add_argument("--record", action="store_true", help="the trial record's schema instead")


def run(args) -> int:
    from harness.schemas import record_schema, suite_schema

    print(json.dumps(record_schema() if args.record else suite_schema(), indent=2,
                     ensure_ascii=False))
    return 0
