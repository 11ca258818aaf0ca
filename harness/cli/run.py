"""`harness run SUITE`: every trial not done yet, then the leaderboard (harness.runner; a suite
with `search:` through harness.search)."""

from __future__ import annotations


def add_parser(sub) -> None:
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


def run(args) -> int:
    from harness.cpu import choose_omp_wait_policy

    choose_omp_wait_policy()  # before torch loads (harness.cpu says why)

    from harness.execution.options import executor_options
    from harness.search.driver import run as run_suite_or_search

    return run_suite_or_search(args.suite, args.results_dir, args.executor, args.verbose,
                               **executor_options(args))
