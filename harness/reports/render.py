"""Text renderings of a Report: markdown, LaTeX (tabulate), CSV (the leaderboard's numbers) and
JSON (every table's numbers). HTML is in html.py."""

from __future__ import annotations

import csv
import io
import json
import math

from harness.reports.escape import md_text

LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                 "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                 "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}"}


def latex_escape(text: str) -> str:
    return "".join(LATEX_SPECIAL.get(c, c) for c in text)


def _md_cell(text: str, mark: str) -> str:
    text = md_text(text)  # names from suites and data are text, never markup
    return {"best": f"**{text}**", "overlap": f"*{text}*", "published": f"*{text}*"}.get(mark, text)


def _latex_cell(text: str, mark: str) -> str:
    text = latex_escape(text).replace("±", r"$\pm$").replace("−", "-").replace("—", "--")
    return {"best": rf"\textbf{{{text}}}", "overlap": rf"\textit{{{text}}}",
            "published": rf"\textit{{{text}}}"}.get(mark, text)


def md_table(table) -> str:
    """A table as GitHub markdown, each cell's mark as bold/italic (the one rendering of marks)."""
    from tabulate import tabulate

    return tabulate([[_md_cell(c.text, c.mark) for c in row] for row in table.rows],
                    headers=[_md_cell(c, "") for c in table.columns], tablefmt="github",
                    disable_numparse=True)


def markdown(report) -> str:
    parts = []
    for t in report.tables:
        if t.detail:
            continue
        body = md_table(t)
        parts.append(f"## {md_text(t.title)}\n\n{body}\n" + "".join(f"\n{n}\n" for n in t.notes))
    if report.plots:
        parts.append("## Figures\n\n" + "\n".join(f"![{p.title}]({p.path})\n" for p in report.plots))
    parts.append("\n".join("- " + md_text(line[2:]) if line.startswith("- ") else md_text(line)
                            for line in report.footer) + "\n")
    return "\n".join(parts)


def latex(report) -> str:
    from tabulate import tabulate

    parts = []
    for t in report.tables:
        if t.detail:
            continue
        body = tabulate([[_latex_cell(c.text, c.mark) for c in row] for row in t.rows],
                        headers=[_latex_cell(c, "") for c in t.columns], tablefmt="latex_raw",
                        disable_numparse=True)
        notes = "".join(f"% {n}\n" for n in t.notes)
        parts.append(f"% {t.title}\n{body}\n{notes}")
    parts.append("".join(f"% {latex_escape(line)}\n" for line in report.footer))
    return "\n".join(parts)


def csv_text(report) -> str:
    """The leaderboard's rows (one table per task type): means, CI bounds, n, failures; then,
    after a blank line each, the overview across datasets and the embeddings table's rows where
    the run has them (other tables: --format json)."""
    wanted = [t for t in report.tables if t.key.startswith("leaderboard")]
    wanted += [t for t in report.tables if t.key in ("overview", "embeddings")]
    tables = [t for t in wanted if t.data]
    tables = tables or [t for t in report.tables if t.key == "leaderboard"]
    return "\n".join(_csv_table(t) for t in tables)


def _csv_table(table) -> str:
    out = io.StringIO()
    columns = list(dict.fromkeys(k for row in table.data for k in row))
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in table.data:
        writer.writerow({k: "; ".join(v) if isinstance(v, list) else v for k, v in row.items()})
    return out.getvalue()


def json_text(report) -> str:
    def clean(v):
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v

    doc = {"suite": report.suite_name, "tables": {t.key: clean(t.data) for t in report.tables},
           "notes": {t.key: t.notes for t in report.tables},
           "plots": [{"title": p.title, "path": p.path} for p in report.plots],
           "footer": report.footer}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

