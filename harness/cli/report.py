"""`harness report DIR`: the report of a results dir from its records only (no torch)."""

from __future__ import annotations

from pathlib import Path

from harness.cli.numbers import finite, whole
from harness.cli.output import warn
from harness.errors import HarnessError


def add_parser(sub) -> None:
    rep = sub.add_parser("report", help="print the leaderboard of a results dir from its records")
    rep.add_argument("results_dir", metavar="DIR")
    rep.add_argument("--format", default="md", choices=["md", "csv", "latex", "html", "json"])
    rep.add_argument("--scale", type=float, default=1.0, help="multiply metrics, e.g. 100 for percent")
    rep.add_argument("--bootstrap", type=int, default=1000, metavar="N",
                     help="paired bootstrap resamples for significance (default 1000)")
    rep.add_argument("--pairs", default="leader", choices=["leader", "all"],
                     help="significance: the leader against each row, or every pair of rows")
    rep.add_argument("--no-plots", action="store_true", help="draw no PNG figures")
    rep.add_argument("--for", dest="audience", choices=["blog"],
                     help="md only: a compact section for a post (leaderboard ×100, setup "
                          "sentence, figures linked relative to the file; default DIR/blog.md)")
    rep.add_argument("--output", "-o", metavar="FILE",
                     help="write here instead of stdout ('-': stdout; html default: DIR/report.html)")


def run(args) -> int:
    from harness.runner import report

    finite(args.scale, "--scale", above=0)
    whole(args.bootstrap, "--bootstrap", 1)
    blog = None
    if args.audience == "blog":
        if args.format != "md":
            raise HarnessError(f"applies to --format md only, not {args.format}", field="--for")
        if args.output == "-":
            raise HarnessError("needs a file (-o FILE.md): figure links are relative to it",
                               field="--for")
        args.output = args.output or str(Path(args.results_dir) / "blog.md")
        blog = Path(args.output)
    warnings: list[str] = []
    text = report(args.results_dir, args.format, scale=args.scale, n_boot=args.bootstrap,
                  pairs=args.pairs, plots=False if args.no_plots else None, blog_path=blog,
                  warnings=warnings)
    output = args.output or (str(Path(args.results_dir) / "report.html") if args.format == "html" else "-")
    if output == "-":
        print(text, end="")
    else:
        from harness.store.files import atomic_write_text

        try:
            atomic_write_text(Path(output), text)
        except OSError as e:
            raise HarnessError(f"cannot write: {e.strerror}", file=output) from None
        print(f"harness: wrote {output}")
    for line in warnings:
        warn(line)
    # 1: the report is incomplete (files skipped); a read-only dir only warns
    return 1 if any(line.startswith("skipped ") for line in warnings) else 0
