"""Render sample PNGs with Japanese labels (a confusion matrix and the embedding view) to check
the font setup by eye: python scripts/japanese_plot_sample.py OUT_DIR"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np


def main(out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix

    from harness.reports.embedding_view import plot_embedding
    from harness.reports.fonts import japanese_rc

    names = ["肯定的", "否定的", "中立"]
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 3, 300)
    y_pred = np.where(rng.random(300) < 0.75, y_true, rng.integers(0, 3, 300))
    with matplotlib.rc_context(japanese_rc()):
        fig, ax = plt.subplots(figsize=(5, 4.5), dpi=120)
        ConfusionMatrixDisplay(confusion_matrix(y_true, y_pred), display_labels=names).plot(
            ax=ax, cmap="Blues", colorbar=False)
        ax.set_title("混同行列（テストデータ）")
        ax.set_xlabel("予測ラベル")
        ax.set_ylabel("正解ラベル")
        fig.tight_layout()
        out.mkdir(parents=True, exist_ok=True)
        fig.savefig(out / "confusion_matrix_ja.png")
        plt.close(fig)
    centers = rng.normal(size=(3, 32)) * 3
    features = centers[y_true] + rng.normal(size=(300, 32))
    used = plot_embedding(features, y_true, names, out / "embedding_ja.png", title="埋め込みの分布")
    print(f"wrote {out}/confusion_matrix_ja.png and {out}/embedding_ja.png ({used})")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "japanese-plots"))
