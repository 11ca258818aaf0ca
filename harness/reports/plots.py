"""The report's figures, PNG files under <results dir>/plots/ (matplotlib, Agg; no pyplot state).

Every figure is made by `figure()`, the one place for figure-wide settings (fonts, size, dpi).
Names from suites are drawn as plain text (mathtext off: a `$` in a label is not TeX).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from harness.reports.context import ReportContext
from harness.reports.cost import timing_mean
from harness.reports.leaderboard import ranked_groups
from harness.reports.stats import t_interval
from harness.trial import safe_name

PLOT_DIR = "plots"
MAX_ANNOTATED_LABELS = 20  # confusion matrices with more labels drop the per-cell numbers


@dataclass(frozen=True)
class Plot:
    title: str
    path: str  # relative to the results dir


def figure(nrows: int = 1, ncols: int = 1, size: tuple[float, float] = (6.4, 4.8)):
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=100, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


def write_plots(ctx: ReportContext) -> list[Plot]:
    import matplotlib

    matplotlib.use("Agg")
    plots: list[Plot] = []
    from harness.reports.fonts import japanese_rc

    # Japanese labels and titles draw with a Japanese-capable fallback font, not as boxes
    with matplotlib.rc_context({"text.parse_math": False, **japanese_rc()}):
        for make in (bars, confusion_matrices, quality_vs_throughput, schedules):
            for title, name, fig in make(ctx):
                rel = f"{PLOT_DIR}/{name}.png"
                path = ctx.store.inside(ctx.store.root / rel)
                path.parent.mkdir(parents=True, exist_ok=True)
                fig.savefig(path)
                plots.append(Plot(title, rel))
    return plots


def _slug(*names: str) -> str:
    """A file name for these names; a hash keeps names that slug alike apart ('a b', 'a-b')."""
    import hashlib

    raw = "__".join(names)
    slug = "__".join(safe_name(n) for n in names)
    return slug if slug == raw else f"{slug}-{hashlib.sha256(raw.encode()).hexdigest()[:6]}"


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _datasets(ctx) -> list[str]:
    return list(dict.fromkeys(g.dataset for g in ctx.groups()))


def bars(ctx: ReportContext):
    """Per dataset: one bar per leaderboard row, the main metric's mean with 95 % CI whiskers."""
    for dataset in _datasets(ctx):
        rows = [g for g in ranked_groups(ctx) if g.dataset == dataset and g.ok]
        if not rows:
            continue
        ivs = [t_interval(g.values(ctx.main)) for g in rows]
        fig, ax = figure(size=(max(4.0, 0.8 * len(rows) + 2), 4.2))
        ax = ax[0, 0]
        err = [0.0 if math.isnan(iv.low) else iv.half for iv in ivs]
        x = np.arange(len(rows))
        ax.bar(x, [iv.mean for iv in ivs], yerr=err, capsize=4,
               color=["0.7" if g.baseline else "C0" for g in rows])
        ax.set_xticks(x, [f"{_clip(g.label)} (n={iv.n})" for g, iv in zip(rows, ivs)], rotation=30, ha="right")
        ax.set_ylabel(ctx.main)
        ax.set_title(f"{dataset}: {ctx.main}, mean ± 95 % CI over seeds")
        yield f"{dataset}: {ctx.main} per row", "bars__" + _slug(dataset), fig


def confusion_matrices(ctx: ReportContext):
    """Per dataset: the best row's normalized confusion matrix, its seeds' predictions pooled."""
    from sklearn.metrics import ConfusionMatrixDisplay

    for dataset in _datasets(ctx):
        best = next((g for g in ranked_groups(ctx) if g.dataset == dataset and g.ok
                     and not g.baseline), None)
        preds = [p for r in best.ok if (p := ctx.predictions(r)) is not None] if best else []
        if not preds:
            continue
        names = best.ok[0].label_names
        k = len(names)
        fig, ax = figure(size=(max(5.0, 0.45 * k + 3), max(4.5, 0.45 * k + 2.5)))
        ConfusionMatrixDisplay.from_predictions(
            np.concatenate([p[0] for p in preds]), np.concatenate([p[1] for p in preds]),
            labels=list(range(k)), display_labels=[_clip(n, 24) for n in names], normalize="true", ax=ax[0, 0],
            xticks_rotation="vertical", values_format=".2f", colorbar=False,
            include_values=k <= MAX_ANNOTATED_LABELS)
        ax[0, 0].set_title(f"{dataset}: {_clip(best.label)}\n{len(preds)} seeds pooled, rows sum to 1",
                           fontsize=10)
        yield f"{dataset}: confusion matrix of {best.label}", "confusion__" + _slug(dataset), fig


def quality_vs_throughput(ctx: ReportContext):
    """Per dataset: main metric against train samples/s; the Pareto front (no row both faster
    and better) joined by a line."""
    for dataset in _datasets(ctx):
        points = []
        for g in ranked_groups(ctx):
            speed = timing_mean(g.ok, "train_samples_per_s")
            if g.dataset == dataset and g.ok and not g.baseline and speed is not None:
                points.append((speed, t_interval(g.values(ctx.main)), g.label))
        if not points:
            continue
        front = pareto_front([(s, iv.mean) for s, iv, _ in points])
        fig, ax = figure()
        ax = ax[0, 0]
        for i, (speed, iv, label) in enumerate(points):
            ax.errorbar(speed, iv.mean, yerr=0 if math.isnan(iv.low) else iv.half, fmt="o",
                        color="C3" if i in front else "C0", capsize=3)
            ax.annotate(_clip(label), (speed, iv.mean), textcoords="offset points", xytext=(5, 5), fontsize=8)
        line = sorted((points[i][0], points[i][1].mean) for i in front)
        ax.plot([p[0] for p in line], [p[1] for p in line], "--", color="C3", label="Pareto front")
        ax.set_xlabel("train samples/s")
        ax.set_ylabel(ctx.main)
        ax.legend(loc="lower left")
        ax.set_title(f"{dataset}: quality vs training throughput")
        yield f"{dataset}: {ctx.main} vs train samples/s", "pareto__" + _slug(dataset), fig


def pareto_front(points: list[tuple[float, float]]) -> set[int]:
    """Indices of the points no other point beats on both axes (higher is better on both)."""
    return {i for i, (x, y) in enumerate(points)
            if not any(x2 >= x and y2 >= y and (x2 > x or y2 > y) for x2, y2 in points)}


def schedules(ctx: ReportContext):
    """Per dataset × model × method: learning rate and training loss over steps, one line per
    scheduler (loss averaged over seeds at each logged step)."""
    combos: dict[tuple, list] = {}
    for g in ctx.groups():
        if g.ok and not g.baseline and g.scheduler != "-":
            combos.setdefault((g.dataset, g.model, g.method), []).append(g)
    for (dataset, model, method), groups in combos.items():
        fig, axes = figure(1, 2, size=(10, 4))
        drawn = False
        for g in groups:
            for ax, key in zip(axes[0], ("learning_rate", "loss")):
                steps, values = _curve(g.ok, key)
                if steps:
                    ax.plot(steps, values, marker=".", label=g.scheduler)
                    drawn = True
        if not drawn:
            continue
        for ax, key in zip(axes[0], ("learning rate", "training loss (mean over seeds)")):
            ax.set_xlabel("optimizer step")
            ax.set_ylabel(key)
            ax.legend(title="scheduler")
        fig.suptitle(f"{dataset}: {model} / {method}")
        name = "schedules__" + _slug(dataset, model, method)
        yield f"{dataset}: {model} learning rate and loss by scheduler", name, fig


def _curve(records, key: str) -> tuple[list, list]:
    by_step: dict[int, list[float]] = {}
    for r in records:
        for entry in r.log_history:
            if key in entry and "step" in entry and entry[key] is not None:
                by_step.setdefault(int(entry["step"]), []).append(float(entry[key]))
    steps = sorted(by_step)
    return steps, [float(np.mean(by_step[s])) for s in steps]
