"""`harness doctor DIR [--fix]`: which files of a results dir are damaged, and the repair."""

from __future__ import annotations


def add_parser(sub) -> None:
    doc = sub.add_parser("doctor", help="list damaged files of a results dir and how to repair "
                                        "them (--fix moves them aside)")
    doc.add_argument("results_dir", metavar="DIR")
    doc.add_argument("--fix", action="store_true",
                     help="move damaged files to DIR/damaged/<time>/ (nothing is deleted), so "
                          "the next `harness run` recomputes their trials")


def run(args) -> int:
    from harness.store.doctor import doctor

    return doctor(args.results_dir, fix=args.fix)
