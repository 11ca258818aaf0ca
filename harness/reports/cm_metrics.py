"""Registry metrics computed from stacks of confusion matrices, for the paired bootstrap: one
vectorized pass over all resamples instead of thousands of scikit-learn calls. Each function
equals its scikit-learn twin in harness.metrics.registry (zero_division=0, labels 0..K-1);
tests/reports/test_report_stats.py checks that on random predictions."""

from __future__ import annotations

import numpy as np


def confusions(y_true, y_pred, k: int, weights: np.ndarray) -> np.ndarray:
    """weights: (B, N) resample counts per example -> (B, K, K) confusion matrices."""
    codes = np.asarray(y_true) * k + np.asarray(y_pred)
    return np.stack([np.bincount(codes, weights=w, minlength=k * k) for w in weights]).reshape(-1, k, k)


def _div(a, b):
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b != 0)


def _per_class(c):
    tp = np.diagonal(c, axis1=1, axis2=2)
    fp = c.sum(axis=1) - tp
    fn = c.sum(axis=2) - tp
    return tp, fp, fn


def _score(kind: str, average: str):
    def fn(c, positive=None):
        tp, fp, fn_ = _per_class(c)
        if average == "micro":
            tp, fp, fn_ = tp.sum(1, keepdims=True), fp.sum(1, keepdims=True), fn_.sum(1, keepdims=True)
        value = {"precision": _div(tp, tp + fp), "recall": _div(tp, tp + fn_),
                 "f1": _div(2 * tp, 2 * tp + fp + fn_)}[kind]
        if average == "binary":
            return None if positive is None else value[:, positive]
        if average == "weighted":
            support = c.sum(axis=2)
            return _div((value * support).sum(1), support.sum(1))
        return value.mean(1)
    return fn


def _accuracy(c, positive=None):
    return _div(np.trace(c, axis1=1, axis2=2), c.sum((1, 2)))


def _mcc(c, positive=None):
    s = c.sum((1, 2))
    correct = np.trace(c, axis1=1, axis2=2)
    t, p = c.sum(2), c.sum(1)
    cov = correct * s - (t * p).sum(1)
    denom = np.sqrt((s ** 2 - (p * p).sum(1)) * (s ** 2 - (t * t).sum(1)))
    return _div(cov, denom)


CM_METRICS = {
    "accuracy": _accuracy, "mcc": _mcc,
    "f1": _score("f1", "binary"), "f1_macro": _score("f1", "macro"),
    "f1_weighted": _score("f1", "weighted"), "f1_micro": _score("f1", "micro"),
    "precision": _score("precision", "binary"), "precision_macro": _score("precision", "macro"),
    "recall": _score("recall", "binary"), "recall_macro": _score("recall", "macro"),
}
