"""`harness init --data FILE`: a commented suite YAML guessed from a data file."""

from __future__ import annotations


def add_parser(sub) -> None:
    ini = sub.add_parser("init", help="write a commented suite YAML from a data file")
    ini.add_argument("--data", required=True, help="train file: csv, tsv, jsonl, json or parquet")
    ini.add_argument("--test", help="test file (default: 10 %% of train, stratified)")
    ini.add_argument("--model", help="hub id, local model dir or package/dir "
                                     "(default: the packaged all-MiniLM-L6-v2)")
    ini.add_argument("--out", default="suite.yaml", help="suite file to write (default: suite.yaml)")
    ini.add_argument("--force", action="store_true", help="overwrite --out")


def run(args) -> int:
    from harness.init_suite import init_suite
    from harness.quiet import quiet_libraries

    quiet_libraries()  # reading the data file shows no datasets progress bar
    return init_suite(args.data, args.test, args.model, args.out, args.force)
