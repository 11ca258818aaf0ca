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
from harness.reports.labels import log_axis_if_spread, place_labels
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
        for make in (bars, confusion_matrices, scatter, quality_vs_throughput, schedules,
                     searched_values, runtime_tradeoff):
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


def whiskers(ivs, bounds) -> np.ndarray:
    """Asymmetric error bars (2, n) of intervals clipped to the metric's range (0 for one seed)."""
    out = np.zeros((2, len(ivs)))
    for i, iv in enumerate(ivs):
        c = iv.clipped(bounds)
        if not math.isnan(c.low):
            out[:, i] = (iv.mean - c.low, c.high - iv.mean)
    return out


def _range_note(ivs, bounds) -> str:
    return f"\n(whiskers clipped to the range [{bounds[0]:g}, {bounds[1]:g}])" \
        if any(iv.passes(bounds) for iv in ivs) else ""


def bars(ctx: ReportContext):
    """Per dataset: one bar per leaderboard row, the main metric's mean with 95 % CI whiskers
    (clipped to the metric's range); rows that learned nothing hatched and labelled ≈ majority."""
    for dataset in _datasets(ctx):
        main = ctx.main_for(dataset)
        bounds = ctx.bounds(dataset, main)
        rows = [g for g in ranked_groups(ctx) if g.dataset == dataset and g.ok]
        if not rows:
            continue
        ivs = [t_interval(g.values(main)) for g in rows]
        fig, ax = figure(size=(max(5.5, 0.9 * len(rows) + 2), 4.8))
        ax = ax[0, 0]
        x = np.arange(len(rows))
        drawn = ax.bar(x, [iv.mean for iv in ivs], yerr=whiskers(ivs, bounds), capsize=4,
                       color=["0.7" if g.baseline or g.marker else "C0" for g in rows])
        for patch, g in zip(drawn, rows):
            if g.marker:
                patch.set_hatch("//")
        ax.set_xticks(x, [f"{_clip(g.row_label)} (n={iv.n})"
                          + (f"\n{_clip(g.values_label)}" if g.configuration else "")
                          for g, iv in zip(rows, ivs)], rotation=30, ha="right", fontsize=8)
        ax.set_ylabel(main)
        ax.set_title(f"{dataset}: {main}\nmean ± 95 % CI over seeds"
                     + _range_note(ivs, bounds), fontsize=10)
        yield f"{dataset}: {main} per row", "bars__" + _slug(dataset), fig


def confusion_matrices(ctx: ReportContext):
    """Per dataset: the best row's normalized confusion matrix, its seeds' predictions pooled."""
    from sklearn.metrics import ConfusionMatrixDisplay

    for dataset in _datasets(ctx):
        if ctx.task_for(dataset).family != "labels":
            continue  # scores: scatter() instead
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
        main = ctx.main_for(dataset)
        sign = 1 if ctx.scores[dataset].greater_is_better(main) else -1
        points = []
        for g in ranked_groups(ctx):
            speed = timing_mean(g.ok, "train_samples_per_s")
            if g.dataset == dataset and g.ok and not g.baseline and speed is not None:
                points.append((speed, t_interval(g.values(main)), g.label))
        if not points:
            continue
        front = pareto_front([(s, sign * iv.mean) for s, iv, _ in points])
        bounds = ctx.bounds(dataset, main)
        fig, ax = figure()
        ax = ax[0, 0]
        for i, (speed, iv, label) in enumerate(points):
            ax.errorbar(speed, iv.mean, yerr=whiskers([iv], bounds), fmt="o",
                        color="C3" if i in front else "C0", capsize=3)
        line = sorted((points[i][0], points[i][1].mean) for i in front)
        ax.plot([p[0] for p in line], [p[1] for p in line], "--", color="C3", label="Pareto front")
        log = log_axis_if_spread(ax, [s for s, _, _ in points])  # TF-IDF: ~1000x a fine-tune
        ax.margins(x=0.25, y=0.15)  # room for the labels beside the outermost points
        ax.set_xlabel("train samples/s" + (" (log scale)" if log else ""))
        ax.set_ylabel(main)
        ax.legend(loc="lower left")
        ax.set_title(f"{dataset}: quality vs training throughput"
                     + _range_note([iv for _, iv, _ in points], bounds), fontsize=10)
        place_labels(fig, ax, [(speed, iv.mean, _clip(label)) for speed, iv, label in points])
        yield f"{dataset}: {main} vs train samples/s", "pareto__" + _slug(dataset), fig


def scatter(ctx: ReportContext):
    """Per regression dataset: the best row's predicted against true scores, seeds pooled, with
    the diagonal (a model that learned nothing sits on a horizontal line)."""
    for dataset in _datasets(ctx):
        if ctx.task_for(dataset).family != "scores":
            continue
        best = next((g for g in ranked_groups(ctx) if g.dataset == dataset and g.ok
                     and not g.baseline), None)
        preds = [p for r in best.ok if (p := ctx.predictions(r)) is not None] if best else []
        if not preds:
            continue
        y, p = np.concatenate([q[0] for q in preds]), np.concatenate([q[1] for q in preds])
        fig, ax = figure(size=(5.0, 4.8))
        ax = ax[0, 0]
        ax.scatter(y, p, s=6, alpha=0.35, color="C0", linewidths=0)
        low, high = float(min(y.min(), p.min())), float(max(y.max(), p.max()))
        ax.plot([low, high], [low, high], "--", color="0.5", label="predicted = true")
        ax.set_xlabel("true score")
        ax.set_ylabel("predicted score")
        ax.legend(loc="upper left", fontsize=8)
        ax.set_title(f"{dataset}: {_clip(best.label)}\n{len(preds)} seeds pooled", fontsize=10)
        yield f"{dataset}: predicted vs true scores of {best.label}", "scatter__" + _slug(dataset), fig


def runtime_tradeoff(ctx: ReportContext):
    """Per dataset × model (and mteb task): quality Δ against torch (95 % paired interval) over
    the throughput speed-up, one point per runtime (harness.reports.runtimes)."""
    from harness.reports.runtimes import runtime_rows

    combos: dict[tuple, list] = {}
    for r in runtime_rows(ctx, ctx.n_boot):
        if r.get("diff") is not None and r.get("throughput_ratio"):
            combos.setdefault((r["dataset"], r["model"], r["method"], r["scheduler"]), []).append(r)
    for (dataset, model, method, scheduler), rows in combos.items():
        fig, ax = figure()
        ax = ax[0, 0]
        for i, r in enumerate(rows):
            low, high = r.get("ci95_low"), r.get("ci95_high")
            yerr = None if low is None else [[max(r["diff"] - low, 0)], [max(high - r["diff"], 0)]]
            ax.errorbar(r["throughput_ratio"], r["diff"], yerr=yerr, fmt="o", capsize=3,
                        color="C3" if r.get("significant") else f"C{i % 3}")
            ax.annotate(r["runtime"], (r["throughput_ratio"], r["diff"]),
                        textcoords="offset points", xytext=(5, 5), fontsize=8)
        ax.axhline(0, color="grey", lw=0.8)
        ax.axvline(1, color="grey", lw=0.8, ls=":")
        ax.set_xlabel("throughput × torch (test rows/s; mteb: texts encoded/s)")
        ax.set_ylabel(f"Δ {rows[0]['metric']} vs torch")
        ax.set_title(f"{dataset} · {model} · {method}: runtimes against torch "
                     "(red: significant Δ)", fontsize=10)
        yield (f"{dataset} · {model} · {method}: quality Δ vs speed-up per runtime",
               "runtimes__" + _slug(dataset, model, method, scheduler), fig)


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


def searched_values(ctx: ReportContext):
    """Per dataset × model (× method × scheduler) that ran several configurations: the
    validation score (what selection reads) against each searched field's value, a point per
    seed, the selected configuration's points ringed and its value marked by a dashed line."""
    for choice in ctx.choices():
        if not choice.searched:
            continue
        metric = ctx.selection_for(choice.row[0])
        axes = choice.axes
        fig, panels = figure(1, len(axes), size=(max(6.4, 4.2 * len(axes) + 0.6), 4.4))
        for ax, name in zip(panels[0], axes):
            xs, ys, px, py = [], [], [], []
            for c in choice.candidates:
                value = dict(c.group.configuration).get(name)
                scores = c.group.values(metric, "validation")
                xs += [value] * len(scores)
                ys += scores
                for r in c.group.bad:  # a pruned seed: its last evaluation before it stopped
                    last = [e[f"eval_{metric}"] for e in r.log_history if f"eval_{metric}" in e]
                    if r.status == "pruned" and last:
                        px.append(value)
                        py.append(last[-1])
            ax.scatter(xs, ys, color="C0", alpha=0.7, label="a seed")
            if px:
                ax.scatter(px, py, color="0.5", marker="x", label="pruned (last evaluation)")
            xs = xs + px
            chosen = choice.chosen.group if choice.chosen else None
            if chosen is not None:
                value = dict(chosen.configuration).get(name)
                ax.scatter([value] * len(chosen.ok), chosen.values(metric, "validation"),
                           s=120, facecolors="none", edgecolors="C3", label="selected")
                ax.axvline(value, color="C3", linestyle="--", linewidth=1)
            numeric = [x for x in xs if isinstance(x, (int, float))]
            if numeric and min(numeric) > 0 and max(numeric) / min(numeric) >= 10:
                from matplotlib.ticker import FuncFormatter, NullFormatter

                ax.set_xscale("log")  # its default labels are mathtext, drawn raw here
                ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
                ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xlabel(name)
            ax.set_ylabel(f"validation {metric}")
            ax.legend(loc="best", fontsize=8)
        dataset, model, method, scheduler = choice.row
        what = " / ".join(p for p in (model, method, scheduler) if p != "-")
        pruned = sum(c.pruned for c in choice.candidates)
        fig.suptitle(f"{dataset}: {_clip(what)}\nvalidation {metric} per configuration"
                     + (f" ({pruned} pruned)" if pruned else ""), fontsize=10)
        yield (f"{dataset}: {what}: validation {metric} vs searched values",
               "search__" + _slug(dataset, model, method, scheduler), fig)
