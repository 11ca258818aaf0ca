"""The history's trend figure: one line per row (model × dataset × method × scheduler) over the
runs, with the 95 % t-interval over seeds as a band."""

from __future__ import annotations

import math
from pathlib import Path

from harness.history.table import History


def trend_png(hist: History, path: str | Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    from harness.reports.fonts import japanese_rc
    from harness.reports.plots import figure

    path = Path(path)
    names = [r.name for r in hist.runs]
    with matplotlib.rc_context({"text.parse_math": False, **japanese_rc()}):
        fig, axes = figure(size=(max(6.4, 0.9 * len(names) + 3), 4.8))
        ax = axes[0][0]
        for key, per_run in sorted(hist.series.items()):
            xs = [i for i, n in enumerate(names) if n in per_run]
            ivs = [per_run[names[i]] for i in xs]
            label = " / ".join(k for k in (key[0], key[1], key[2], key[3]) if k != "-")
            line, = ax.plot(xs, [iv.mean for iv in ivs], marker="o", label=label)
            banded = [(x, iv) for x, iv in zip(xs, ivs) if not math.isnan(iv.low)]
            if banded:
                ax.fill_between([x for x, _ in banded], [iv.low for _, iv in banded],
                                [iv.high for _, iv in banded], alpha=0.2, color=line.get_color())
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
        ax.set_ylabel(f"{hist.metric} (test)")
        ax.set_title(f"{hist.metric} over runs (band: 95 % CI over seeds)")
        ax.legend(fontsize="small")
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path)
    return path
