"""`harness history ROOT`: a metric over the runs under a history root (table + trend PNG)."""

from __future__ import annotations

import sys
from pathlib import Path

from harness.cli.output import warn


def add_parser(sub) -> None:
    his = sub.add_parser("history", help="a metric over the runs under ROOT (table + trend PNG)")
    his.add_argument("root", metavar="ROOT")
    his.add_argument("--metric", help="test metric (default: the latest run's main metric)")
    his.add_argument("--model", action="append", help="only this model (repeatable)")
    his.add_argument("--dataset", action="append", help="only this dataset (repeatable)")
    his.add_argument("--format", default="md", choices=["md", "csv", "json"])
    his.add_argument("--plot", metavar="PNG", help="trend figure (default: ROOT/history-METRIC.png)")
    his.add_argument("--no-plot", action="store_true", help="draw no trend figure")


def run(args) -> int:
    from types import SimpleNamespace

    from harness.history.table import collect, history_table
    from harness.reports.render import csv_text, json_text, markdown

    hist = collect(args.root, args.metric, args.model, args.dataset, warn=warn)
    table = history_table(hist)
    if args.format == "csv":
        table.key = "leaderboard"  # csv_text writes the leaderboard-keyed table's rows
    report = SimpleNamespace(suite_name="", tables=[table], plots=[], footer=[])
    print({"md": markdown, "csv": csv_text, "json": json_text}[args.format](report), end="")
    if not args.no_plot:
        from harness.history.trend import trend_png
        from harness.trial import safe_name

        path = trend_png(hist, args.plot or Path(args.root) / f"history-{safe_name(hist.metric)}.png")
        print(f"harness: wrote {path}", file=sys.stderr)
    return 0
