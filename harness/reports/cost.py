"""Cost beside quality, from the same trials: throughput, latency, memory, wall time, device.

Timing fields come from `record.timing` by name; fields a record does not have (older records,
or measurements a method does not make) show as "—", never as zero. Values are means over the
ok seeds that measured them."""

from __future__ import annotations

import math

import numpy as np

from harness.reports.context import ReportContext
from harness.reports.leaderboard import method_text, ranked_groups
from harness.reports.stats import t_interval
from harness.reports.table import (
    DASH,
    LEARNED_NOTHING,
    Cell,
    Table,
    fmt_interval,
    number_cell,
)

# (column, Timing field, digits)
COLUMNS = [
    ("train samples/s", "train_samples_per_s", 1),
    ("train tokens/s", "train_tokens_per_s", 0),
    ("eval samples/s", "eval_samples_per_s", 1),
    ("test samples/s", "test_samples_per_s", 1),
    ("latency p50 ms (b=1)", "latency_ms_p50_b1", 2),
    ("latency p95 ms (b=1)", "latency_ms_p95_b1", 2),
    ("peak memory MB", "peak_memory_mb", 0),
    ("wall s", "total_wall_s", 1),
]


def timing_mean(records, field: str) -> float | None:
    values = [v for r in records if (v := getattr(r.timing, field, None)) is not None]
    return float(np.mean(values)) if values else None


def cost_table(ctx: ReportContext, scale: float = 1.0) -> Table | None:
    """None when no row has a leaderboard entry (an mteb-only suite): no empty table."""
    groups = ranked_groups(ctx)
    if not groups:
        return None
    digits = 2 if scale >= 10 else 4
    columns = ["dataset", "model", "method"] + (["scheduler"] if ctx.scheduler_varies() else [])
    columns += ["selected"] if ctx.searched() else []
    header, mixed = ctx.main_header({g.dataset for g in groups})
    columns += [header] + [c for c, _, _ in COLUMNS] + ["device"]
    table = Table("cost", f"{ctx.suite_name}: quality and cost (means over ok seeds)", columns)
    for g in groups:
        main = ctx.main_for(g.dataset)
        bounds = ctx.bounds(g.dataset, main, scale)
        row = [Cell(g.dataset), Cell(g.model), Cell(method_text(g))]
        row += [Cell(g.scheduler)] if ctx.scheduler_varies() else []
        row += [Cell(g.values_label or DASH)] if ctx.searched() else []
        iv = t_interval([v * scale for v in g.values(main)])
        row.append(Cell((f"{main} " if mixed else "") + fmt_interval(iv, digits, bounds=bounds),
                        None if math.isnan(iv.mean) else iv.mean, LEARNED_NOTHING if g.marker else "")
                   if g.ok else Cell("failed", None, "failed"))
        data = {"dataset": g.dataset, "model": g.model, "method": g.method, "scheduler": g.scheduler,
                "selected": g.values_label or None, "learned_nothing": bool(g.marker),
                "main_metric": main, main: None if math.isnan(iv.mean) else iv.mean}
        for column, field, places in COLUMNS:
            value = timing_mean(g.ok, field)
            row.append(number_cell(value, places))
            data[field] = value
        device = _device(g.ok)
        row.append(Cell(device))
        data["device"] = device
        table.rows.append(row)
        table.data.append(data)
    table.notes.append("train tokens/s counts non-padding tokens; latency is per single example "
                       "(batch 1); — : not measured by this trial's method or harness version.")
    return table


def _device(records) -> str:
    names = []
    for r in records:
        env = r.environment
        text = env.device + (f" ({env.device_name})" if env.device_name else "") \
            + (f", {env.precision}" if env.precision else "")
        names.append(text)
    return "; ".join(dict.fromkeys(names)) or "—"
