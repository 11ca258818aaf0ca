"""The `harness` command. Heavy imports (torch, transformers) happen only inside `run`.

Exit codes: 0 fine, 1 some trial failed, 2 bad input (one line per problem, no traceback),
130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys

from harness import __version__
from harness.errors import HarnessError, SuiteErrors


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="harness", description=(
        "Fine-tune and evaluate Hugging Face text models from a declarative suite file."))
    p.add_argument("--version", action="version", version=f"harness {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run every trial of a suite that is not done yet, then report")
    run.add_argument("suite", help="suite YAML file")
    run.add_argument("--results-dir", help="default: results/<suite name>/")
    run.add_argument("--executor", default="local", choices=["local"], help="how trials run")
    run.add_argument("--verbose", action="store_true", help="show library logs and progress bars")

    val = sub.add_parser("validate", help="check suites, data and model dirs without training")
    val.add_argument("suites", nargs="+", metavar="SUITE")

    rep = sub.add_parser("report", help="print the leaderboard of a results dir from its records")
    rep.add_argument("results_dir", metavar="DIR")
    rep.add_argument("--format", default="md", choices=["md", "csv", "json"])

    sch = sub.add_parser("schema", help="print the JSON Schema of suite files (or of records)")
    sch.add_argument("--record", action="store_true", help="the trial record's schema instead")
    return p


def _fail(error: HarnessError) -> int:
    lines = error.lines() if isinstance(error, SuiteErrors) else [str(error)]
    for line in lines:
        print(f"harness: error: {line}", file=sys.stderr)
    return error.exit_code


def cmd_validate(paths: list[str]) -> int:
    from harness.plan.trials import build_plan
    from harness.quiet import quiet_libraries
    from harness.suite.checks import check_suite
    from harness.suite.loader import load_suite

    quiet_libraries()
    status = 0
    for path in paths:
        try:
            loaded = load_suite(path)
            findings, errors = check_suite(loaded)
            if errors:
                raise SuiteErrors(errors)
            trials = build_plan(loaded.suite)
        except HarnessError as e:
            status = _fail(e)
            continue
        print(f"{path}: valid")
        for f in findings:
            print(f"  {f.status:<11} {f.item}: {f.detail}")
        baselines = sum(1 for t in trials if t.method == "majority")
        print(f"  plan        {len(trials)} trials ({len(trials) - baselines} to train, "
              f"{baselines} majority baselines)")
    return status


def cmd_schema(record: bool) -> int:
    from harness.schemas import record_schema, suite_schema

    print(json.dumps(record_schema() if record else suite_schema(), indent=2, ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            return cmd_validate(args.suites)
        if args.command == "schema":
            return cmd_schema(args.record)
        if args.command == "report":
            from harness.runner import report

            print(report(args.results_dir, args.format), end="")
            return 0
        if args.command == "run":
            from harness.cpu import passive_omp_threads
            from harness.runner import run_suite

            passive_omp_threads()  # before torch loads (harness.cpu says why)

            return run_suite(args.suite, args.results_dir, args.executor, args.verbose)
    except HarnessError as e:
        return _fail(e)
    except KeyboardInterrupt:
        print("harness: interrupted", file=sys.stderr)
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
