"""One report table, format-free: display cells (text + a mark) for md/latex/html and plain
records (numbers, CI bounds, n) for csv/json. Renderers live in render.py and html.py."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from harness.metrics.families import metric_range
from harness.reports.stats import Interval

DASH = "—"  # a value that was not measured (never a zero)
LEARNED_NOTHING = "nothing"  # the mark (and HTML class) of a row that learned nothing


@dataclass
class Cell:
    text: str
    sort: float | str | None = None  # what the HTML page sorts by (None: the text)
    mark: str = ""  # "best" (bold), "overlap" (italic: CI overlaps the best), "failed",
    # LEARNED_NOTHING (a row marked ≈ majority: never bold or italic)


@dataclass
class Table:
    key: str  # leaderboard, schedulers, cost, significance, ... (file names, json keys)
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    data: list[dict] = field(default_factory=list)  # machine-readable rows (csv/json)
    notes: list[str] = field(default_factory=list)
    detail: bool = False  # a detail view of long texts: HTML and JSON only (not md/latex/csv)


def fmt_number(value: float | None, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    return f"{value:.{digits}f}"


PAST_RANGE = "†"
PAST_RANGE_NOTE = (f"{PAST_RANGE}: the 95 % t-interval reaches past the metric's range ([0, 1]; "
                   "MCC and correlations [−1, 1]); figures and the csv/json bounds show it "
                   "clipped to the range.")


def fmt_interval(iv: Interval, digits: int = 4, with_n: bool = False,
                 bounds: tuple[float, float] | None = None) -> str:
    """'0.8123 ± 0.0210' (half-width of the 95 % t-interval); one seed: the value alone; '†'
    when the interval passes `bounds` (the metric's range)."""
    if iv.n == 0:
        return DASH
    text = fmt_number(iv.mean, digits)
    if not math.isnan(iv.low):
        text += f" ± {iv.half:.{digits}f}" + (f" {PAST_RANGE}" if iv.passes(bounds) else "")
    return text + (f" (n={iv.n})" if with_n else "")


def interval_data(prefix: str, iv: Interval, bounds: tuple[float, float] | None = None) -> dict:
    """Mean and CI bounds (clipped to `bounds`, the metric's range, when given)."""
    clean = (lambda v: None if v is None or math.isnan(v) else v)
    iv = iv.clipped(bounds)
    return {prefix: clean(iv.mean), f"{prefix}_ci95_low": clean(iv.low),
            f"{prefix}_ci95_high": clean(iv.high)}


def metric_bounds(metric: str, scale: float = 1.0,
                  family: str = "labels") -> tuple[float, float] | None:
    """The registry metric's range in its family, scaled like the table (None for evaluate
    modules and unbounded metrics such as MSE)."""
    bounds = metric_range(family, metric)
    return None if bounds is None else (bounds[0] * scale, bounds[1] * scale)


def number_cell(value: float | None, digits: int = 1) -> Cell:
    return Cell(fmt_number(value, digits), value)
