"""A regression dataset (scores 0-5 of sentence pairs) through ONNX Runtime and OpenVINO (slow
tier): a fine-tuned tiny BERT's single-output head and a probe's ridge read the exported model's
outputs as the torch trials read theirs; the runtime rows carry Δ on Pearson (the dataset's main
metric) by the one rule and agreement as the Pearson correlation of the two rows' predictions."""

from __future__ import annotations

import numpy as np
import pytest

from harness.cli import main
from harness.reports.context import load_context
from harness.reports.runtimes import runtime_rows
from harness.store.store import ResultsStore

pytest.importorskip("onnxruntime", reason="the [runtimes] extra is not installed")
pytest.importorskip("openvino", reason="the [runtimes] extra is not installed")


def _pair(store, record):
    """(truth, predictions) as stored beside the record."""
    arrays = store.read_predictions(record)
    return arrays["label_ids"], arrays["predictions"]


@pytest.mark.slow  # fine-tunes a tiny BERT regressor, fits a probe, exports both encoders
def test_regression_through_onnx_and_openvino(tmp_path, tiny_bert, task_data):
    suite = tmp_path / "suite.yaml"
    suite.write_text(f"""
name: sts-runtimes
models:
  - name: tiny
    path: {tiny_bert}
    max_length: 48
datasets:
  - name: sts
    files: {{train: {task_data}/sts/train.csv, validation: {task_data}/sts/validation.csv,
             test: {task_data}/sts/test.csv}}
    text_column: sentence1
    text_pair_column: sentence2
    label_column: score
    label_range: [0, 5]
methods: [finetune, {{type: probe, pooling: [mean]}}]
training:
  epochs: 1
  learning_rate: 3.0e-3
  batch_size: 16
seeds: [1]
runtimes: [torch, onnx, openvino]
""", encoding="utf-8")
    results = tmp_path / "results"
    assert main(["run", str(suite), "--results-dir", str(results)]) == 0
    store = ResultsStore(results)
    records = store.records()
    assert all(r.status == "ok" for r in records), [r.error for r in records if r.error]
    through = [r for r in records if r.runtime is not None]
    assert sorted((r.method, r.runtime.name) for r in through) == [
        ("finetune", "onnx"), ("finetune", "openvino"), ("probe", "onnx"), ("probe", "openvino")]
    for r in through:  # real-valued predictions, as the torch trial stores them
        source = next(s for s in records if s.trial_id == r.runtime.source_trial_id)
        _, mine = _pair(store, r)
        _, theirs = _pair(store, source)
        assert mine.dtype.kind == "f" and mine.shape == theirs.shape == (60,)
        np.testing.assert_allclose(mine, theirs, atol=2e-3)  # fp32 runtimes: the same scores
        assert set(r.metrics["test"]) == {"pearson", "spearman", "mse"}
    rows = runtime_rows(load_context(results, n_boot=300), 300)
    assert len(rows) == 4
    for row in rows:
        assert row["metric"] == "pearson"
        assert row["diff"] is not None and abs(row["diff"]) < 0.01, row
        assert row["ci95_low"] <= row["diff"] <= row["ci95_high"]
        assert row["verdict"] in ("significant", "not significant")
        assert row["agreement"] > 0.999, row  # Pearson of the two rows' predictions
        assert row["throughput_ratio"] > 0
