"""`harness compare BASE NEW`: one row per model × dataset × method × scheduler and metric, with
base and new mean ± 95 % t-interval over seeds, Δ and a noise-aware verdict (verdict.py). Where a
grid or search ran, each side's row is the configuration it selected on validation
(harness.reports.selection); a row says when the two sides selected different values."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from harness.compare import verdict as V
from harness.compare.revisions import input_change
from harness.errors import HarnessError
from harness.reports.context import Group, ReportContext, load_context
from harness.reports.stats import Interval, t_interval
from harness.suite.gate import DEFAULT_MIN_DIFFERENCE, RATIO_METRICS, GateSpec

DEFAULT_RATIOS = ("test_samples_per_s", "latency_ms_p50_b1")


@dataclass
class Row:
    dataset: str
    model: str
    label: str  # model / method / scheduler
    metric: str
    base: Interval | None
    new: Interval | None
    decision: V.Decision
    delta: float | None = None  # new − base (ratio metrics: new ÷ base)
    is_ratio: bool = False
    cause: str = ""  # the inputs that differ: model / data revision or content change
    base_selected: str = ""  # the configuration each side selected on validation ('' none)
    new_selected: str = ""

    @property
    def selection_changed(self) -> bool:
        return bool(self.base_selected or self.new_selected) and \
            self.base_selected != self.new_selected


@dataclass
class Comparison:
    suite_name: str
    base: Path
    new: Path
    main: str
    gate: GateSpec
    rows: list[Row] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)  # 'DIR/file: problem', skipped on either side


def gate_of(ctx: ReportContext) -> GateSpec:
    from pydantic import ValidationError

    try:
        return GateSpec.model_validate((ctx.suite or {}).get("gate") or {})
    except ValidationError as e:
        err = e.errors()[0]
        raise HarnessError(err["msg"], file=str(ctx.store.root / "suite.resolved.yaml"),
                           field=".".join(["gate", *map(str, err["loc"])])) from None


def compare_runs(base_dir, new_dir, metric: str | None = None, n_boot: int = 1000,
                 min_difference: dict[str, float] | None = None) -> Comparison:
    base, new = load_context(Path(base_dir), n_boot), load_context(Path(new_dir), n_boot)
    if base.suite_name != new.suite_name:
        raise HarnessError(f"BASE is a run of suite {base.suite_name!r}, NEW of {new.suite_name!r}: "
                           "compare two runs of one suite", file=str(base_dir))
    gate = gate_of(new)
    gate.min_difference.update(min_difference or {})
    known = list(dict.fromkeys(m for s in new.scores.values() for m in s.metrics))
    if metric is not None and metric not in known and metric not in RATIO_METRICS:
        raise HarnessError(f"unknown metric {metric!r} (the suite's: {', '.join(known)})",
                           field="--metric")
    ratios = list(dict.fromkeys([m for m in DEFAULT_RATIOS if metric is None]
                                + [r.metric for r in gate.rules if r.metric in RATIO_METRICS]
                                + ([metric] if metric in RATIO_METRICS else [])))
    label = metric or ", ".join(new.mains)
    out = Comparison(new.suite_name, Path(base_dir), Path(new_dir), label, gate)
    b_groups = {_key(g): g for g in base.groups()}
    n_groups = {_key(g): g for g in new.groups()}
    for key in list(n_groups) + [k for k in b_groups if k not in n_groups]:
        b, n = b_groups.get(key), n_groups.get(key)
        cause = input_change(b, n)
        scores = new.scores.get(key[0]) or base.scores.get(key[0])
        main = metric or scores.main  # the metric asked for, else the dataset's main metric
        quality = [m for m in dict.fromkeys([main] + [r.metric for r in gate.rules])
                   if m not in RATIO_METRICS and m in scores.metrics]
        rows = [_quality_row(base, new, b, n, m, gate, n_boot) for m in quality]
        rows += [r for r in (_ratio_row(b, n, m, gate) for m in ratios) if r is not None]
        for row in rows:  # each side's selected configuration (its grid or search chose it)
            row.cause = cause
            row.base_selected = b.values_label if b is not None else ""
            row.new_selected = n.values_label if n is not None else ""
        out.rows += rows
    out.damaged = [f"{ctx.store.root / rel}: {problem}" for ctx in (base, new)
                   for rel, problem in ctx.damaged.items()]
    return out


def _key(g: Group) -> tuple:
    return g.dataset, g.model, g.method, g.scheduler


def _interval(g: Group | None, metric: str) -> Interval | None:
    return t_interval(g.values(metric)) if g is not None and g.ok else None


def _quality_row(base_ctx, new_ctx, b: Group | None, n: Group | None, metric, gate, n_boot) -> Row:
    g = n or b
    row = Row(g.dataset, g.model, g.row_label, metric, _interval(b, metric), _interval(n, metric),
              V.Decision("unchanged", "none"))
    if n is None:
        row.decision = V.Decision("missing", "none", detail="not in the new run")
    elif not n.ok:
        row.decision = V.Decision("failed", "none", detail="; ".join(n.failures()))
    elif b is None or not b.ok:
        row.decision = V.Decision("new", "none", detail="no ok trial in the base run" if b else "")
    elif row.base.n == 0 or row.new.n == 0:
        row.decision = V.Decision("unchanged", "none", detail=f"{metric} not measured")
    else:
        row.delta = row.new.mean - row.base.mean
        min_diff = gate.min_difference.get(metric, DEFAULT_MIN_DIFFERENCE)
        higher = new_ctx.scores[n.dataset].greater_is_better(metric)
        row.decision = _paired(base_ctx, new_ctx, b, n, metric, min_diff, n_boot, higher) \
            or V.seeds_only(b.values(metric), n.values(metric), min_diff, higher)
    return row


def _paired(base_ctx, new_ctx, b, n, metric, min_diff, n_boot, higher=True) -> V.Decision | None:
    """The paired test when every ok trial on both sides stored predictions of one test set."""
    from harness.reports.cm_metrics import CM_METRICS

    scoring = new_ctx.scores[n.dataset].scoring()
    fn = scoring.fn(metric)
    pb = [base_ctx.predictions(r) for r in sorted(b.ok, key=lambda r: str(r.seed))]
    pn = [new_ctx.predictions(r) for r in sorted(n.ok, key=lambda r: str(r.seed))]
    if fn is None or any(p is None for p in pb + pn):
        return None
    y = pn[0][0]
    if any(p[0].shape != y.shape or not np.array_equal(p[0], y) for p in pb + pn):
        return None
    if fn(y, pn[0][1]) is None or fn(y, pb[0][1]) is None:
        return None
    cm = CM_METRICS.get(metric) if scoring.family == "labels" else None
    return V.paired(metric, y, [p[1] for p in pb], [p[1] for p in pn], b.values(metric),
                    n.values(metric), fn, min_diff, n_boot, cm, scoring.num_labels,
                    scoring.positive_label_id, higher)


def _timing(g: Group, metric: str) -> list[float]:
    vals = [getattr(r.timing, metric, None) for r in g.ok]
    return [v for v in vals if v is not None and math.isfinite(v)]


def _devices(g: Group) -> set:
    return {(r.environment.device, r.environment.device_name) for r in g.ok}


def _ratio_row(b: Group | None, n: Group | None, metric: str, gate: GateSpec) -> Row | None:
    if b is None or n is None or not b.ok or not n.ok:
        return None
    bv, nv = _timing(b, metric), _timing(n, metric)
    if not bv or not nv:
        return None
    same = len(_devices(b) | _devices(n)) == 1
    r, decision = V.ratio(bv, nv, RATIO_METRICS[metric], gate.ratio_tolerance, same)
    return Row(n.dataset, n.model, n.row_label, metric, t_interval(bv), t_interval(nv), decision,
               r, is_ratio=True)
