"""`harness predict RUN_DIR`: label and score per input from a saved fine-tuned model."""

from __future__ import annotations

from harness.cli.numbers import whole
from harness.errors import HarnessError


def add_parser(sub) -> None:
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
    # texts after options reach main() as unknown arguments (argparse groups positionals)
    pre.set_defaults(takes_extra_texts=True)


def run(args) -> int:
    from harness.predict import run_predict

    whole(args.batch_size, "--batch-size", 1)
    if bool(args.texts) == bool(args.file):
        raise HarnessError("give texts or --file (one of them)", field="predict")
    print(run_predict(args.results_dir, args.trial, args.best, args.metric, args.texts,
                      args.file, args.format, args.text_column, args.pair_column,
                      args.batch_size), end="")
    return 0
