"""`harness export mteb RUN_DIR OUT`: stored results in another tool's format
(harness/exporters/)."""

from __future__ import annotations


def add_parser(sub) -> None:
    exp = sub.add_parser("export", help="write stored results in another tool's format")
    exp.add_argument("format", choices=["mteb"],
                     help="mteb: the MTEB results-repository layout (mteb trials)")
    exp.add_argument("results_dir", metavar="RUN_DIR")
    exp.add_argument("out", metavar="OUT", help="folder to write into (created)")


def run(args) -> int:
    from harness.exporters.mteb_results import export_mteb

    for e in export_mteb(args.results_dir, args.out):
        print(f"{e.path}: {e.model} @ {e.revision}: {e.task} main_score {e.main_score:.6f}")
    return 0
