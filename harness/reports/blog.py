"""`harness report DIR --format md --for blog`: a compact markdown post section.

One setup sentence (models, data, seeds, device, precision), the leaderboard built by
leaderboard.py (so its bold, italic and any other row marks are the report's own: one rule for
every format) rendered by render.md_table, and the figures linked by their path relative to the
markdown file, so the .md and its plots/ folder move together."""

from __future__ import annotations

import os
from pathlib import Path

from harness.reports.escape import md_text
from harness.reports.render import md_table

BLOG_SCALE = 100.0


def setup_sentence(ctx) -> str:
    """'Setup: models all-MiniLM-L6-v2; methods finetune, majority; data support-intents (600
    train / 250 test rows); seeds 1, 2; CPU (x86_64), float32; harness 0.1.0 @ abc1234567.'
    (models and methods apart: a baseline is not something the model ran)."""
    records = ctx.all_records or ctx.records  # every method's (an mteb-only run has no rows)
    models = list(dict.fromkeys(r.model_name for r in records if r.model_name))
    methods = list(dict.fromkeys(r.method for r in records))
    data = []
    for name in dict.fromkeys(r.dataset_name for r in records):
        facts = next((r.data_facts for r in records if r.dataset_name == name and r.data_facts), {})
        rows = " / ".join(f"{f.get('rows')} {split}" for split, f in facts.items()
                          if f.get("rows") is not None)
        data.append(name + (f" ({rows} rows)" if rows else ""))
    seeds = sorted({r.seed for r in records if r.seed is not None})
    env = next((r.environment for r in records if r.model_name), records[0].environment)
    device = env.device.upper() + (f" ({env.device_name})" if env.device_name else "")
    code = f" @ {env.git_sha[:10]}{'+dirty' if env.git_dirty else ''}" if env.git_sha else ""
    return (f"Setup: models {', '.join(models) or '-'}; methods {', '.join(methods)}; data "
            f"{'; '.join(data)}; seed{'s' if len(seeds) != 1 else ''} "
            f"{', '.join(map(str, seeds)) or '-'}; {device}"
            f"{', ' + env.precision if env.precision else ''}; harness {env.harness}{code}.")


def blog_markdown(report, md_path: Path) -> str:
    """The post section for a markdown file at `md_path` (figure links relative to it): the
    overview across datasets where the suite has several (the JGLUE table), else the
    leaderboard; published reference rows cited."""
    overview = [t for t in report.tables if t.key == "overview"]
    boards = overview or [t for t in report.tables if t.key.startswith("leaderboard")]
    parts = [f"## {md_text(report.suite_name)}", "", md_text(report.setup), ""]
    for board in boards:
        parts += [md_table(board), ""]
    parts.append(f"Test split, ×{BLOG_SCALE:g}: mean ± half-width of the 95 % t-interval over "
                 "seeds; **bold**: best per dataset and column; *italic*: "
                 + ("not significantly different from the best (paired test)" if overview
                    else "interval overlaps the best's") + ".")
    cited = [n for b in boards for n in b.notes if n.startswith("published:")]
    parts += [md_text(n) for n in dict.fromkeys(cited)]
    runtimes = next((t for t in report.tables if t.key == "runtimes"), None)
    if runtimes is not None:  # the deployment view: each runtime against torch
        parts += ["", f"### {md_text(runtimes.title)}", "", md_table(runtimes), "",
                  *[md_text(n) for n in runtimes.notes]]
    if report.plots:
        parts.append("")
        base = md_path.resolve().parent
        for p in report.plots:
            rel = Path(os.path.relpath((report.root / p.path).resolve(), base)).as_posix()
            parts.append(f"![{md_text(p.title)}]({rel})")
    return "\n".join(parts) + "\n"
