"""`harness nightly SUITE --root DIR`: run into a new dated dir reusing unchanged trials, report,
compare with the last run, gate (harness.nightly)."""

from __future__ import annotations

from harness.cli.numbers import whole


def add_parser(sub) -> None:
    nig = sub.add_parser("nightly", help="run into a new dated dir under --root reusing unchanged "
                                         "trials, report, compare with the last run, gate")
    nig.add_argument("suite", help="suite YAML file")
    nig.add_argument("--root", required=True, help="history root: one run dir per night")
    nig.add_argument("--force", action="store_true", help="reuse nothing: compute every trial")
    nig.add_argument("--name", help="run dir name (default: today's UTC date)")
    nig.add_argument("--bootstrap", type=int, default=1000, metavar="N")


def run(args) -> int:
    from harness.cpu import choose_omp_wait_policy
    from harness.nightly import nightly

    choose_omp_wait_policy()
    whole(args.bootstrap, "--bootstrap", 1)
    return nightly(args.suite, args.root, force=args.force, name=args.name, n_boot=args.bootstrap)
