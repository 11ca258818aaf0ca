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
    run.add_argument("--executor", default="local", choices=["local", "ray"],
                     help="how trials run: local (this machine) or ray (a Ray cluster); "
                          "see docs/scaling.md")
    run.add_argument("--jobs", type=int, default=None, metavar="N",
                     help="local: N trials at once, each in its own process "
                          "(default 1; with GPUs: one per visible GPU)")
    run.add_argument("--address", metavar="ADDR",
                     help="ray: the cluster (auto, ray://host:port); default: start a local Ray")
    run.add_argument("--retries", type=int, default=None, metavar="N",
                     help="parallel executors: reruns of a trial whose worker died (default 2)")
    run.add_argument("--verbose", action="store_true", help="show library logs and progress bars")

    val = sub.add_parser("validate", help="check suites, data and model dirs without training")
    val.add_argument("suites", nargs="+", metavar="SUITE")
    val.add_argument("--executor", default="local", choices=["local", "ray"],
                     help="ray: also check that Ray workers can reach the data files and model dirs")
    val.add_argument("--address", metavar="ADDR", help="ray: ask every node of this cluster")

    rep = sub.add_parser("report", help="print the leaderboard of a results dir from its records")
    rep.add_argument("results_dir", metavar="DIR")
    rep.add_argument("--format", default="md", choices=["md", "csv", "latex", "html", "json"])
    rep.add_argument("--scale", type=float, default=1.0, help="multiply metrics, e.g. 100 for percent")
    rep.add_argument("--bootstrap", type=int, default=1000, metavar="N",
                     help="paired bootstrap resamples for significance (default 1000)")
    rep.add_argument("--pairs", default="leader", choices=["leader", "all"],
                     help="significance: the leader against each row, or every pair of rows")
    rep.add_argument("--no-plots", action="store_true", help="draw no PNG figures")
    rep.add_argument("--output", "-o", metavar="FILE",
                     help="write here instead of stdout ('-': stdout; html default: DIR/report.html)")

    fet = sub.add_parser("fetch", help="download what a suite reads from the hub into the HF "
                                        "cache, for runs without network (HF_HUB_OFFLINE=1)")
    fet.add_argument("suite", help="suite YAML file")

    ins = sub.add_parser("inspect", help="data and tokenizer facts per model × dataset, before training")
    ins.add_argument("suite", help="suite YAML file")
    ins.add_argument("--format", default="md", choices=["md", "json"])

    pre = sub.add_parser("predict", help="label and score per input from a saved fine-tuned model")
    pre.add_argument("results_dir", metavar="RUN_DIR")
    which = pre.add_mutually_exclusive_group(required=True)
    which.add_argument("--trial", metavar="KEY", help="trial id (or a prefix of it or of its key)")
    which.add_argument("--best", action="store_true", help="the saved model with the best test score")
    pre.add_argument("--metric", help="with --best: the test metric (default: the suite's main)")
    pre.add_argument("texts", nargs="*", metavar="TEXT", help="inputs; 'a ||| b' is a text pair")
    pre.add_argument("--file", help="csv/tsv/jsonl/json (the trial's text columns) or .txt (a line each)")
    pre.add_argument("--text-column", help="file column of the text (default: the trial's)")
    pre.add_argument("--pair-column", help="file column of the second text (default: the trial's)")
    pre.add_argument("--batch-size", type=int, default=64)
    pre.add_argument("--format", default="md", choices=["md", "json"])

    ini = sub.add_parser("init", help="write a commented suite YAML from a data file")
    ini.add_argument("--data", required=True, help="train file: csv, tsv, jsonl, json or parquet")
    ini.add_argument("--test", help="test file (default: 10 %% of train, stratified)")
    ini.add_argument("--model", help="hub id, local model dir or package/dir "
                                     "(default: the packaged all-MiniLM-L6-v2)")
    ini.add_argument("--out", default="suite.yaml", help="suite file to write (default: suite.yaml)")
    ini.add_argument("--force", action="store_true", help="overwrite --out")

    _history_parsers(sub)

    sch = sub.add_parser("schema", help="print the JSON Schema of suite files (or of records)")
    sch.add_argument("--record", action="store_true", help="the trial record's schema instead")
    return p


def _history_parsers(sub) -> None:
    """history, compare, gate, nightly (harness.history, harness.compare, harness.nightly)."""
    his = sub.add_parser("history", help="a metric over the runs under ROOT (table + trend PNG)")
    his.add_argument("root", metavar="ROOT")
    his.add_argument("--metric", help="test metric (default: the latest run's main metric)")
    his.add_argument("--model", action="append", help="only this model (repeatable)")
    his.add_argument("--dataset", action="append", help="only this dataset (repeatable)")
    his.add_argument("--format", default="md", choices=["md", "csv", "json"])
    his.add_argument("--plot", metavar="PNG", help="trend figure (default: ROOT/history-METRIC.png)")
    his.add_argument("--no-plot", action="store_true", help="draw no trend figure")
    for name, text in (("compare", "compare two runs of a suite with noise-aware verdicts"),
                       ("gate", "exit 1 when NEW fails the suite's gate against BASE")):
        cmp = sub.add_parser(name, help=text)
        cmp.add_argument("base", metavar="BASE_RUN", help="results dir of the earlier run")
        cmp.add_argument("new", metavar="NEW_RUN", help="results dir of the later run")
        cmp.add_argument("--metric", help="quality metric (default: the suite's main metric)")
        cmp.add_argument("--min-diff", action="append", default=[], metavar="METRIC=VALUE",
                         help="minimum practical difference of a metric (default 0.005)")
        cmp.add_argument("--bootstrap", type=int, default=1000, metavar="N")
        if name == "compare":
            cmp.add_argument("--format", default="md", choices=["md", "csv", "json"])
            cmp.add_argument("--fail-on", choices=["regression"],
                             help="exit 1 when the gate fails (one line per failed row)")
    nig = sub.add_parser("nightly", help="run into a new dated dir under --root reusing unchanged "
                                         "trials, report, compare with the last run, gate")
    nig.add_argument("suite", help="suite YAML file")
    nig.add_argument("--root", required=True, help="history root: one run dir per night")
    nig.add_argument("--force", action="store_true", help="reuse nothing: compute every trial")
    nig.add_argument("--name", help="run dir name (default: today's UTC date)")
    nig.add_argument("--bootstrap", type=int, default=1000, metavar="N")


def _fail(error: HarnessError) -> int:
    lines = error.lines() if isinstance(error, SuiteErrors) else [str(error)]
    for line in lines:
        print(f"harness: error: {line}", file=sys.stderr)
    return error.exit_code


def cmd_validate(paths: list[str], executor: str = "local", address: str | None = None) -> int:
    from harness.hub import HubError
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
            try:
                trials, unplanned = build_plan(loaded.suite), None
            except HubError as e:  # offline, a hub revision not in the cache: keys unknown
                if not e.unavailable:
                    raise
                trials, unplanned = [], e.message
        except HarnessError as e:
            status = _fail(e)
            continue
        print(f"{path}: valid")
        for f in findings:
            print(f"  {f.status:<11} {f.item}: {f.detail}")
        baselines = sum(1 for t in trials if t.method == "majority")
        if unplanned:
            print("  plan        not built: trial keys need every hub revision resolved to a "
                  "commit (not in the HF cache offline; `harness fetch SUITE` where the hub answers)")
        else:
            print(f"  plan        {len(trials)} trials ({len(trials) - baselines} to train, "
                  f"{baselines} majority baselines)")
        if executor == "ray":
            from harness.trials.reach import check_reachable

            notes, errors = check_reachable(loaded, address)
            for note in notes:
                print(f"  ray         {note}")
            if errors:
                status = _fail(SuiteErrors(errors))
    return status


def cmd_schema(record: bool) -> int:
    from harness.schemas import record_schema, suite_schema

    print(json.dumps(record_schema() if record else suite_schema(), indent=2, ensure_ascii=False))
    return 0


def cmd_report(args) -> int:
    from pathlib import Path

    from harness.runner import report

    if not args.scale > 0:
        raise HarnessError(f"must be > 0, got {args.scale:g}", field="--scale")
    if args.bootstrap < 1:
        raise HarnessError(f"must be >= 1, got {args.bootstrap}", field="--bootstrap")
    text = report(args.results_dir, args.format, scale=args.scale, n_boot=args.bootstrap,
                  pairs=args.pairs, plots=False if args.no_plots else None)
    output = args.output or (str(Path(args.results_dir) / "report.html") if args.format == "html" else "-")
    if output == "-":
        print(text, end="")
        return 0
    from harness.store.files import atomic_write_text

    try:
        atomic_write_text(Path(output), text)
    except OSError as e:
        raise HarnessError(f"cannot write: {e.strerror}", file=output) from None
    print(f"harness: wrote {output}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    # `predict RUN --best "text" ...`: texts after options arrive here (argparse takes
    # positionals in one group); anything else unknown is an error as usual.
    if extra and (args.command != "predict" or any(e.startswith("-") for e in extra)):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if extra:
        args.texts += extra
    try:
        if args.command == "validate":
            if args.address and args.executor != "ray":
                raise HarnessError("applies to --executor ray only", field="--address")
            return cmd_validate(args.suites, args.executor, args.address)
        if args.command == "schema":
            return cmd_schema(args.record)
        if args.command == "report":
            return cmd_report(args)
        if args.command == "fetch":
            from harness.fetch import cmd_fetch

            return cmd_fetch(args.suite)
        if args.command == "inspect":
            from harness.inspection.report import inspect_suite, render

            print(render(inspect_suite(args.suite), args.format), end="")
            return 0
        if args.command == "predict":
            from harness.predict import run_predict

            if bool(args.texts) == bool(args.file):
                raise HarnessError("give texts or --file (one of them)", field="predict")
            print(run_predict(args.results_dir, args.trial, args.best, args.metric, args.texts,
                              args.file, args.format, args.text_column, args.pair_column,
                              args.batch_size), end="")
            return 0
        if args.command == "init":
            from harness.init_suite import init_suite

            return init_suite(args.data, args.test, args.model, args.out, args.force)
        if args.command in ("history", "compare", "gate", "nightly"):
            from harness.history.commands import COMMANDS

            return COMMANDS[args.command](args)
        if args.command == "run":
            from harness.cpu import choose_omp_wait_policy
            from harness.runner import run_suite

            choose_omp_wait_policy()  # before torch loads (harness.cpu says why)

            from harness.trials.executor_options import executor_options

            return run_suite(args.suite, args.results_dir, args.executor, args.verbose,
                             **executor_options(args))
    except HarnessError as e:
        return _fail(e)
    except KeyboardInterrupt:
        print("harness: interrupted", file=sys.stderr)
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
