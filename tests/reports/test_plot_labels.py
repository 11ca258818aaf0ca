"""The "quality vs training throughput" figure reads well (issue 29): a log x axis where speeds
span more than 10× (TF-IDF trains ~1000× faster than a fine-tune), and no two labels, no label and
point, no label and legend overlap, measured on the rendered figure's text boxes."""

from __future__ import annotations

from itertools import combinations

import pytest
from report_data import write_run

from harness.reports.context import load_context
from harness.reports.labels import place_labels
from harness.reports.plots import figure, quality_vs_throughput


def _demo_like(root):
    """Two fine-tunes with nearly equal scores and speeds (the demo's linear and cosine) and a
    baseline ~300x faster: the labels of the first two used to be drawn on top of each other."""
    rows = []
    for scheduler, speed, acc in (("linear", 27.2, 0.87), ("cosine", 26.6, 0.86)):
        for seed, noise in ((1, 0.0), (2, 0.011), (3, -0.011)):
            rows.append({"model": "all-MiniLM-L6-v2", "scheduler": scheduler, "seed": seed,
                         "accuracy": acc + noise, "timing": {"train_samples_per_s": speed}})
    for seed in (1, 2, 3):
        rows.append({"method": "tfidf", "seed": seed, "accuracy": 0.78,
                     "timing": {"train_samples_per_s": 8222.5}})
    rows.append({"method": "majority"})
    return write_run(root, rows)


def _boxes(fig, ax):
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    return [t.get_window_extent(renderer) for t in ax.texts], ax.get_window_extent(renderer)


def test_demo_like_figure_has_a_log_axis_and_no_overlapping_labels(tmp_path):
    ctx = load_context(_demo_like(tmp_path / "run"))
    import matplotlib

    with matplotlib.rc_context({"text.parse_math": False}):
        (title, name, fig), = list(quality_vs_throughput(ctx))
        ax = fig.axes[0]
        assert ax.get_xscale() == "log" and "(log scale)" in ax.get_xlabel()
        boxes, frame = _boxes(fig, ax)
    assert len(boxes) == 3, [t.get_text() for t in ax.texts]
    for a, b in combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    legend = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
    for box in boxes:
        assert not box.overlaps(legend)
        assert frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)


def test_linear_axis_when_speeds_are_close(tmp_path):
    rows = [{"model": m, "scheduler": "linear", "seed": s, "accuracy": a,
             "timing": {"train_samples_per_s": v}}
            for m, a, v in (("a", 0.8, 100.0), ("b", 0.7, 300.0)) for s in (1, 2)]
    ctx = load_context(write_run(tmp_path / "run", rows + [{"method": "majority"}]))
    (_, _, fig), = list(quality_vs_throughput(ctx))
    assert fig.axes[0].get_xscale() == "linear"


@pytest.mark.parametrize("n", [2, 5, 8])
def test_crowded_points_get_labels_that_avoid_each_other(n):
    fig, axes = figure()
    ax = axes[0, 0]
    points = [(100 + i, 0.80 + 0.001 * i, f"model-{i} / finetune / cosine") for i in range(n)]
    ax.plot([p[0] for p in points], [p[1] for p in points], "o")
    ax.margins(x=0.6, y=0.6)
    place_labels(fig, ax, points)
    boxes, _ = _boxes(fig, ax)
    assert len(boxes) == n
    for a, b in combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
