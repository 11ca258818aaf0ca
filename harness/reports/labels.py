"""Point labels that do not overlap: each label goes to the first of a ring of offsets around its
point where its box (as the renderer measures it) stays inside the axes and clear of every label
placed before it, every point and the legend. Two fine-tunes with nearly equal scores and speeds
then get their labels above and below each other instead of on top of each other.
"""

from __future__ import annotations

from itertools import product

# Offsets in points, nearest first: right, left, above, below, then the diagonals, then farther.
_DIRECTIONS = ((1, 0.3), (-1, 0.3), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))
_RADII = (6, 14, 24, 36)


def place_labels(fig, ax, points: list[tuple[float, float, str]], fontsize: float = 8) -> list:
    """Annotate each (x, y, text) of `ax` without overlaps; returns the Annotation objects.

    Call after everything else is drawn on the figure: it draws the figure to measure, then
    fixes the layout (a layout engine would move the axes again when the figure is saved)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = (fig.canvas if isinstance(fig.canvas, FigureCanvasAgg)
                else FigureCanvasAgg(fig)).get_renderer()
    fig.draw(renderer)
    fig.set_layout_engine("none")  # keep the geometry the labels were measured in
    frame = ax.get_window_extent(renderer)
    obstacles = [_point_box(ax, x, y) for x, y, _ in points]
    legend = ax.get_legend()
    if legend is not None:
        obstacles.append(legend.get_window_extent(renderer))
    placed = []
    for x, y, text in points:
        best = None
        for radius, (dx, dy) in product(_RADII, _DIRECTIONS):
            ha = "left" if dx > 0 else "right" if dx < 0 else "center"
            va = "bottom" if dy > 0 else "top" if dy < 0 else "center"
            label = ax.annotate(text, (x, y), textcoords="offset points",
                                xytext=(dx * radius, dy * radius), ha=ha, va=va,
                                fontsize=fontsize)
            box = label.get_window_extent(renderer)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(o) for o in obstacles):
                best = label
                break
            label.remove()
        if best is None:  # nowhere free: the nearest spot, drawn with a backing box
            best = ax.annotate(text, (x, y), textcoords="offset points", xytext=(6, 2),
                               fontsize=fontsize,
                               bbox={"boxstyle": "round,pad=0.1", "fc": "white", "alpha": 0.8})
        obstacles.append(best.get_window_extent(renderer))
        placed.append(best)
    return placed


def _point_box(ax, x, y, half: float = 4.0):
    """A few pixels around a data point, in display coordinates."""
    from matplotlib.transforms import Bbox

    px, py = ax.transData.transform((x, y))
    return Bbox([[px - half, py - half], [px + half, py + half]])


def log_axis_if_spread(ax, values: list[float], axis: str = "x", spread: float = 10.0) -> bool:
    """A log scale when positive values span more than `spread`×, with plain tick labels (the
    default ones are mathtext, which harness's figures draw raw)."""
    numeric = [v for v in values if isinstance(v, (int, float)) and v > 0]
    if len(numeric) < 2 or max(numeric) / min(numeric) <= spread:
        return False
    from matplotlib.ticker import FuncFormatter, NullFormatter

    which = ax.xaxis if axis == "x" else ax.yaxis
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    which.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    which.set_minor_formatter(NullFormatter())
    return True
