"""Metrics of real-valued predictions (regression: STS similarity, relatedness scores), computed
as the published tables compute them: Pearson's and Spearman's correlation (scipy.stats, as
JGLUE's and MTEB's STS scripts) and the mean squared error. Same signature as the label metrics
(harness.metrics.registry): fn(y_true, y_pred, ctx) -> float | None.

A correlation is undefined when either side is constant (the train-mean baseline predicts one
value everywhere): None, which reports show as "—", never a 0.
"""

from __future__ import annotations

import numpy as np


def _undefined(y_true, y_pred) -> bool:
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    return y_true.size < 2 or np.ptp(y_true) == 0 or np.ptp(y_pred) == 0


def pearson(y_true, y_pred, ctx=None):
    from scipy.stats import pearsonr

    if _undefined(y_true, y_pred):
        return None
    return float(pearsonr(np.asarray(y_true, float), np.asarray(y_pred, float)).statistic)


def spearman(y_true, y_pred, ctx=None):
    from scipy.stats import spearmanr

    if _undefined(y_true, y_pred):
        return None
    return float(spearmanr(np.asarray(y_true, float), np.asarray(y_pred, float)).statistic)


def mse(y_true, y_pred, ctx=None):
    diff = np.asarray(y_true, float) - np.asarray(y_pred, float)
    return float(np.mean(diff * diff))


METRICS = {"pearson": pearson, "spearman": spearman, "mse": mse}
DEFAULT = ("pearson", "spearman", "mse")  # JGLUE's JSTS columns first: Pearson, Spearman
RANGES: dict[str, tuple[float, float]] = {"pearson": (-1.0, 1.0), "spearman": (-1.0, 1.0)}
GREATER_IS_BETTER = {"pearson": True, "spearman": True, "mse": False}
