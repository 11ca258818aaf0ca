"""Japanese label names render with the packaged font (no missing-glyph warnings), and the
embedding view projects with UMAP when installed, PCA otherwise."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from harness.errors import HarnessError  # noqa: E402
from harness.reports import embedding_view  # noqa: E402
from harness.reports.fonts import japanese_rc, needs_cjk  # noqa: E402

NAMES = ["肯定的", "否定的", "中立"]


def _draw_warnings(rc: dict, tmp_path) -> list[str]:
    import matplotlib.pyplot as plt

    with warnings.catch_warnings(record=True) as caught, matplotlib.rc_context(rc):
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.imshow(np.eye(3))
        ax.set_xticks(range(3), NAMES)
        ax.set_yticks(range(3), NAMES)
        ax.set_title("混同行列")
        ax.set_xlabel("予測ラベル")
        fig.savefig(tmp_path / "cm.png")
        plt.close(fig)
    return [str(w.message) for w in caught]


def _glyph_problems(messages: list[str]) -> list[str]:
    return [m for m in messages if "missing from font" in m or "Glyph" in m]


def test_default_font_draws_boxes_so_the_check_can_fail(tmp_path):
    assert _glyph_problems(_draw_warnings({"font.family": ["DejaVu Sans"]}, tmp_path))


def test_japanese_labels_render_without_missing_glyphs(tmp_path):
    rc = japanese_rc()
    assert rc["font.family"] == ["DejaVu Sans", "IPAexGothic"]
    assert _glyph_problems(_draw_warnings(rc, tmp_path)) == []
    assert (tmp_path / "cm.png").stat().st_size > 5_000


def test_needs_cjk():
    assert needs_cjk("accuracy", "ラベル") and not needs_cjk("accuracy", "label")


def _clusters():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 150)
    return rng.normal(size=(3, 16))[labels] * 4 + rng.normal(size=(150, 16)), labels


def test_embedding_view_pca_with_japanese_labels(tmp_path):
    features, labels = _clusters()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        used = embedding_view.plot_embedding(features, labels, NAMES, tmp_path / "e.png",
                                             title="埋め込み", method="pca")
    assert used == "pca" and (tmp_path / "e.png").stat().st_size > 5_000
    assert _glyph_problems([str(w.message) for w in caught]) == []
    coords, _ = embedding_view.project_2d(features, "pca")
    # The projection keeps the label clusters apart: centroids farther apart than the spread.
    cents = np.array([coords[labels == i].mean(0) for i in range(3)])
    spread = max(coords[labels == i].std() for i in range(3))
    assert min(np.linalg.norm(cents[i] - cents[j]) for i in range(3) for j in range(i)) > spread


def test_without_umap_auto_is_pca_and_umap_is_an_error(monkeypatch):
    real = embedding_view.importlib.util.find_spec
    monkeypatch.setattr(embedding_view.importlib.util, "find_spec",
                        lambda name, *a: None if name == "umap" else real(name, *a))
    features, _ = _clusters()
    assert embedding_view.project_2d(features, "auto")[1] == "pca"
    with pytest.raises(HarnessError, match="umap-learn"):
        embedding_view.project_2d(features, "umap")


@pytest.mark.slow  # numba compiles UMAP on first use (tens of seconds)
def test_umap_cosine_when_installed():
    pytest.importorskip("umap", reason="the optional [umap] extra (umap-learn) is not installed")
    features, labels = _clusters()
    coords, used = embedding_view.project_2d(features, "auto")
    assert used == "umap" and coords.shape == (150, 2)
