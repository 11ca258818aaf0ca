"""The embedding view of the user's notebooks: features -> MinMaxScaler -> UMAP (2-D, cosine)
scatter coloured by label. UMAP comes from the optional `umap` extra (umap-learn); without it,
`method="auto"` uses PCA and the plot's title says so (asking for "umap" then is an error)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from harness.errors import HarnessError

METHODS = ("auto", "umap", "pca")


def project_2d(features, method: str = "auto", seed: int = 0) -> tuple[np.ndarray, str]:
    """(n, 2) coordinates and the method used ("umap" or "pca")."""
    from sklearn.preprocessing import MinMaxScaler

    if method not in METHODS:
        raise HarnessError(f"unknown projection {method!r}; one of {', '.join(METHODS)}")
    x = MinMaxScaler().fit_transform(np.asarray(features, dtype=np.float32))
    has_umap = importlib.util.find_spec("umap") is not None
    if method == "umap" and not has_umap:
        raise HarnessError("the UMAP view needs umap-learn: pip install 'harness[umap]'")
    if method != "pca" and has_umap:
        from umap import UMAP

        return UMAP(n_components=2, metric="cosine", random_state=seed).fit_transform(x), "umap"
    from sklearn.decomposition import PCA

    return PCA(n_components=2, random_state=seed).fit_transform(x), "pca"


def plot_embedding(features, labels, label_names: list[str], path: str | Path, *,
                   title: str = "", method: str = "auto", seed: int = 0) -> str:
    """Write a PNG scatter of the projected features coloured by label; returns the method."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from harness.reports.fonts import japanese_rc, needs_cjk

    coords, used = project_2d(features, method, seed)
    labels = np.asarray(labels)
    rc = japanese_rc() if needs_cjk(title, *label_names) else {}
    with matplotlib.rc_context(rc):
        fig, ax = plt.subplots(figsize=(6, 5), dpi=120)
        cmap = plt.get_cmap("tab10" if len(label_names) <= 10 else "tab20")
        for i, name in enumerate(label_names):
            mask = labels == i
            ax.scatter(coords[mask, 0], coords[mask, 1], s=8, alpha=0.7, color=cmap(i % cmap.N),
                       label=f"{name} ({int(mask.sum())})")
        ax.set_title(f"{title} ({used.upper()} of min-max scaled features)".strip())
        ax.set_xticks([])
        ax.set_yticks([])
        ax.legend(markerscale=2, fontsize="small", loc="best")
        fig.tight_layout()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path)
        plt.close(fig)
    return used
