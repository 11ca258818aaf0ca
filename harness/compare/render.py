"""A comparison as a report table (md/csv/json through harness.reports.render)."""

from __future__ import annotations

from types import SimpleNamespace

from harness.compare.rows import Comparison
from harness.reports.table import DASH, Cell, Table, fmt_interval, interval_data

VERDICT_MARK = {"regressed": "best", "failed": "best"}  # drawn bold: what needs a look


def selected_text(r) -> str:
    """`learning_rate=5e-05` when both sides selected it; `a → b (changed)` when they differ."""
    if r.selection_changed:
        return f"{r.base_selected or DASH} → {r.new_selected or DASH} (changed)"
    return r.new_selected or DASH


def comparison_table(c: Comparison) -> Table:
    selected = any(r.base_selected or r.new_selected for r in c.rows)
    table = Table("comparison", f"{c.suite_name}: {c.new.name} against {c.base.name}",
                  ["dataset", "model / method / scheduler", "metric"]
                  + (["selected on validation (base → new)"] if selected else [])
                  + ["base (mean ± 95 % CI)", "new (mean ± 95 % CI)",
                     "Δ (new − base; ratio: new ÷ base)", "test", "p", "verdict"])
    for r in c.rows:
        delta = DASH if r.delta is None else (f"{r.delta:.2f}×" if r.is_ratio else f"{r.delta:+.4f}")
        d = r.decision
        verdict = d.verdict + (f" ({d.detail})" if d.detail else "") \
            + (f"; {r.cause}" if r.cause else "")
        verdict += "; selection changed" if r.selection_changed else ""
        digits = 1 if r.is_ratio else 4
        cells = [r.dataset, r.label, r.metric] + ([selected_text(r)] if selected else [])
        cells += [fmt_interval(r.base, digits) if r.base else DASH,
                  fmt_interval(r.new, digits) if r.new else DASH, delta, d.test,
                  DASH if d.p is None else f"{d.p:.3g}", verdict]
        last = len(cells) - 1
        table.rows.append([Cell(v, mark=VERDICT_MARK.get(d.verdict, "") if i == last else "")
                           for i, v in enumerate(cells)])
        data = {"dataset": r.dataset, "model": r.model, "row": r.label, "metric": r.metric,
                **(interval_data("base", r.base) if r.base else {"base": None}),
                **(interval_data("new", r.new) if r.new else {"new": None}),
                ("ratio" if r.is_ratio else "delta"): r.delta, "test": d.test, "p": d.p,
                "bootstrap_ci95_low": d.ci_low, "bootstrap_ci95_high": d.ci_high,
                "verdict": d.verdict, "detail": d.detail, "input_change": r.cause or None,
                "base_selected": r.base_selected or None, "new_selected": r.new_selected or None,
                "selection_changed": r.selection_changed}
        table.data.append(data)
    mins = ", ".join(f"{k} {v:g}" for k, v in c.gate.min_difference.items())
    table.notes.append(
        "Verdicts are noise-aware: with stored test predictions of the same test set, a paired "
        "bootstrap of Δ over test examples (and McNemar for accuracy) plus, with ≥ 2 seeds a side, "
        "Welch's t over seeds; otherwise Welch's t alone; p < 0.05 and |Δ| at least the minimum "
        f"practical difference (default 0.005{'; ' + mins if mins else ''}). Throughput and "
        f"latency: new ÷ base outside 1 ± {c.gate.ratio_tolerance:.0%} (and Welch's t over seeds "
        "when both sides have ≥ 2), same device only, else not comparable.")
    if selected:
        table.notes.append("Each side's row is the configuration it selected on validation "
                           "(docs/how-to/search-and-selection.md); 'selection changed' flags a "
                           "row whose selected values differ between the runs.")
    return table


def render(c: Comparison, fmt: str, footer: list[str] | None = None) -> str:
    from harness.reports.render import csv_text, json_text, markdown

    table = comparison_table(c)
    table.key = "leaderboard" if fmt == "csv" else table.key  # csv_text writes the leaderboard's rows
    report = SimpleNamespace(suite_name=c.suite_name, tables=[table], plots=[], footer=footer or [])
    return {"md": markdown, "csv": csv_text, "json": json_text}[fmt](report)
