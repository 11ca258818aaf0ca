"""The search table: every configuration a grid or search ran, per row (dataset × model × method ×
scheduler), with its validation score (what selection reads) and its test score (reported, never
used to choose) as mean ± 95 % CI over seeds, pruned and failed seeds, and the chosen one marked.
Only when some row ran more than one configuration."""

from __future__ import annotations

from harness.reports.context import ReportContext
from harness.reports.selection import RULE
from harness.reports.stats import t_interval
from harness.reports.table import (
    DASH,
    PAST_RANGE_NOTE,
    Cell,
    Table,
    fmt_interval,
    interval_data,
)

CHOSEN = "✓ selected"


def search_table(ctx: ReportContext, scale: float = 1.0) -> Table | None:
    choices = [c for c in ctx.choices() if c.searched]
    if not choices:
        return None
    datasets = {c.row[0] for c in choices}
    metric_h, mixed = (lambda ms: (ms[0], False) if len(ms) == 1 else ("selection metric", True))(
        list(dict.fromkeys(ctx.selection_for(d) for d in datasets)))
    main_h, _ = ctx.main_header(datasets)
    digits = 2 if scale >= 10 else 4
    table = Table("search", f"{ctx.suite_name}: configurations (validation {metric_h} chooses; "
                  f"test {main_h} is reported)",
                  ["dataset", "model", "method", "scheduler", "configuration", "seeds ok",
                   f"validation {metric_h}", f"test {main_h}", "selection"])
    past_range = False
    for choice in choices:
        metric, main = ctx.selection_for(choice.row[0]), ctx.main_for(choice.row[0])
        val_bounds, test_bounds = (ctx.bounds(choice.row[0], m, scale) for m in (metric, main))
        for c in choice.candidates:
            g = c.group
            val = t_interval([v * scale for v in g.values(metric, "validation")])
            test = t_interval([v * scale for v in g.values(main)])
            past_range = past_range or val.passes(val_bounds) or test.passes(test_bounds)
            chosen = choice.chosen is c
            status = CHOSEN if chosen else f"excluded: {c.excluded}" if c.excluded else ""
            seeds = f"{len(g.ok)}/{len(g.ok) + len(g.bad)}"
            table.rows.append([
                Cell(g.dataset), Cell(g.model), Cell(g.method), Cell(g.scheduler),
                Cell(g.values_label or DASH), Cell(seeds, len(g.ok)),
                Cell((f"{metric} " if mixed else "") + fmt_interval(val, digits, bounds=val_bounds),
                     val.mean if val.n else None, "best" if chosen else ""),
                Cell((f"{main} " if mixed else "") + fmt_interval(test, digits, bounds=test_bounds),
                     test.mean if test.n else None),
                Cell(status)])
            table.data.append({
                "dataset": g.dataset, "model": g.model, "method": g.method,
                "scheduler": g.scheduler, "configuration": dict(g.configuration),
                "n": len(g.ok), "pruned": c.pruned, "failed": len(g.bad) - c.pruned,
                **interval_data(f"validation_{metric}", val, val_bounds),
                **interval_data(f"test_{main}", test, test_bounds),
                "selected": chosen, "excluded": c.excluded or None})
        if choice.chosen is None:
            table.notes.append(f"{' / '.join(choice.row)}: {choice.why}.")
    table.notes.append(f"Selection: {RULE.format(split='validation', metric=metric_h)}. Bold: "
                       "the selected configuration's validation score.")
    if past_range:
        table.notes.append(PAST_RANGE_NOTE)
    return table
