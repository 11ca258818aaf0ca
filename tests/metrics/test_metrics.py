"""Registry metrics against scikit-learn by hand, binary positive label, and a local evaluate module."""

from __future__ import annotations

import numpy as np
import pytest

from harness.metrics.compute import compute_metrics
from harness.metrics.registry import BINARY_ONLY, METRICS, MetricContext
from harness.specs.metric import MetricRef

Y_TRUE = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 1])
Y_PRED = np.array([0, 0, 1, 1, 2, 2, 2, 0, 2, 1])


def test_values_by_hand():
    ctx = MetricContext(num_labels=3, positive_label_id=None)
    assert METRICS["accuracy"](Y_TRUE, Y_PRED, ctx) == pytest.approx(0.7)
    # per-class F1: class0 p=2/3 r=2/3; class1 p=2/3 r=2/3; class2 p=3/4 r=3/4
    assert METRICS["f1_macro"](Y_TRUE, Y_PRED, ctx) == pytest.approx((2 / 3 + 2 / 3 + 3 / 4) / 3)
    assert METRICS["f1_weighted"](Y_TRUE, Y_PRED, ctx) == pytest.approx(
        (3 * 2 / 3 + 3 * 2 / 3 + 4 * 3 / 4) / 10)
    assert METRICS["f1"](Y_TRUE, Y_PRED, ctx) is None  # binary-only metric on 3 labels
    assert BINARY_ONLY == {"f1", "precision", "recall"}


def test_binary_positive_label_matters():
    y_true = np.array([0, 0, 0, 0, 1, 1])
    y_pred = np.array([0, 0, 0, 1, 1, 0])
    pos1 = METRICS["f1"](y_true, y_pred, MetricContext(2, 1))
    pos0 = METRICS["f1"](y_true, y_pred, MetricContext(2, 0))
    assert pos1 == pytest.approx(0.5) and pos0 == pytest.approx(0.75)
    assert METRICS["precision"](y_true, y_pred, MetricContext(2, 0)) == pytest.approx(0.75)


def test_majority_everywhere_scores_zero_mcc_and_low_macro_f1():
    y_true = np.array([1] * 84 + [0] * 16)
    y_pred = np.ones(100, dtype=int)
    ctx = MetricContext(2, 1)
    assert METRICS["accuracy"](y_true, y_pred, ctx) == pytest.approx(0.84)
    assert METRICS["mcc"](y_true, y_pred, ctx) == 0.0
    assert METRICS["f1_macro"](y_true, y_pred, ctx) < 0.46


MODULE = '''
import datasets
import evaluate


class MyAccuracy(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description="share of exact matches", citation="", inputs_description="",
            features=datasets.Features({"predictions": datasets.Value("int32"),
                                        "references": datasets.Value("int32")}))

    def _compute(self, predictions, references, scale=1.0):
        hits = sum(int(p == r) for p, r in zip(predictions, references))
        return {"my_accuracy": scale * hits / len(references)}
'''


def test_local_evaluate_module(tmp_path):
    pytest.importorskip("evaluate", reason="the evaluate package is not installed")
    module = tmp_path / "my_accuracy"
    module.mkdir()
    (module / "my_accuracy.py").write_text(MODULE, encoding="utf-8")
    refs = [MetricRef(name="my_accuracy", evaluate=str(module), kwargs={"scale": 100.0}),
            MetricRef(name="accuracy")]
    scores = compute_metrics(refs, Y_TRUE, Y_PRED, MetricContext(3, None))
    assert scores == {"my_accuracy": pytest.approx(70.0), "accuracy": pytest.approx(0.7)}
