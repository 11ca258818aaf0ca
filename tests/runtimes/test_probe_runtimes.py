"""Probe trials through runtimes on a tiny BERT (slow tier): the evaluated splits' features
through the exported encoder (one export per model, layer and output, shared by poolings and
classifiers), cached under keys of their own (never torch's), the same classifier fit, the
runtime table's Δ against the torch probe row by the one rule, and the encoder's speed measured
for torch and every runtime alike."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import tiny_suite

from harness.cli import main
from harness.models.embedding_cache import EmbeddingCache, cache_key
from harness.reports.context import load_context
from harness.reports.runtimes import runtime_rows, runtime_table
from harness.store.store import ResultsStore

pytest.importorskip("onnxruntime", reason="the [runtimes] extra is not installed")
pytest.importorskip("openvino", reason="the [runtimes] extra is not installed")

PROBE = """methods:
  - type: probe
    pooling: [mean, pooler]
    classifiers: [logistic_regression, {name: knn, n_neighbors: 3}]
    batch_size: 16
runtimes: [torch, onnx, openvino]
"""


@pytest.fixture(scope="module")
def probe_runs(tmp_path_factory, tiny_bert, english_data):
    root = tmp_path_factory.mktemp("probe-runtimes")
    suite = root / "suite.yaml"
    suite.write_text(tiny_suite(tiny_bert, english_data, epochs=1) + PROBE, encoding="utf-8")
    code = main(["run", str(suite), "--results-dir", str(root / "results")])
    return code, root / "results"


@pytest.mark.slow  # exports a tiny BERT encoder to ONNX and OpenVINO and fits probes
def test_probe_runtime_trials_encode_through_the_export(probe_runs):
    code, results = probe_runs
    assert code == 0
    records = [r for r in ResultsStore(results).records() if r.method == "probe"]
    assert all(r.status == "ok" for r in records), [r.error for r in records if r.error]
    torch_recs = [r for r in records if r.runtime is None]
    through = [r for r in records if r.runtime is not None]
    assert len(torch_recs) == 4 and len(through) == 8  # 2 poolings × 2 classifiers × 2 runtimes
    made: dict[str, int] = {}
    for r in through:
        assert r.runtime.source_trial_id in {t.trial_id for t in torch_recs}
        for step in r.runtime.export:
            made[step["export"]] = made.get(step["export"], 0) + (not step["reused"])
    # one export per runtime and output (hidden states for mean, pooler output for pooler)
    assert made == {"onnx": 2, "openvino": 2}
    for r in through:  # the same classifier on the same train features: the same predictions
        twin = next(t for t in torch_recs if t.trial_id == r.runtime.source_trial_id)
        with np.load(results / r.artifacts["predictions"]) as a, \
                np.load(results / twin.artifacts["predictions"]) as b:
            assert np.array_equal(a["label_ids"], b["label_ids"])
            assert np.mean(a["predictions"] == b["predictions"]) >= 0.95, r.trial_id
    # the encoder's speed: measured by the trial that encoded the test split, torch and runtimes
    for group in (torch_recs, *[[r for r in through if r.runtime.name == n]
                                for n in ("onnx", "openvino")]):
        for pooling in ("mean", "pooler"):
            timed = [r for r in group if r.embedding.pooling == pooling
                     and r.timing.encode_samples_per_s]
            assert len(timed) == 1 and timed[0].timing.latency_ms_p50_b1 > 0


@pytest.mark.slow  # reads the run above
def test_runtime_features_are_cached_apart_from_torch(probe_runs, tiny_bert):
    _, results = probe_runs
    records = ResultsStore(results).records()
    src = next(r for r in records if r.method == "probe" and r.runtime is None
               and r.embedding.pooling == "mean")
    onnx = next(r for r in records if r.runtime is not None and r.runtime.name == "onnx"
                and r.runtime.source_trial_id == src.trial_id)
    cache = EmbeddingCache(results / "cache" / "embeddings")
    material = src.config
    base = dict(model=material["model"], dataset=material["dataset"], split="test",
                pooling="mean", layer=-1, max_length=32)
    torch_test = cache.load(cache_key(**base, precision="float32"), 60)
    onnx_test = cache.load(cache_key(**base, precision="fp32", runtime=onnx.config["runtime"]), 60)
    assert torch_test is not None and onnx_test is not None
    assert not np.shares_memory(torch_test, onnx_test)
    np.testing.assert_allclose(onnx_test, torch_test, atol=1e-4)  # fp32 through ORT: the same
    files = list((results / "cache" / "embeddings").glob("*.npy"))
    assert len(files) == 2 * 3 + 2 * 2 * 2  # torch: 2 poolings × 3 splits; runtimes: val + test


@pytest.mark.slow  # reads the run above
def test_probe_rows_in_the_runtime_table(probe_runs):
    _, results = probe_runs
    ctx = load_context(results, n_boot=200)
    rows = [r for r in runtime_rows(ctx, 200) if r["method"].startswith("probe")]
    assert len(rows) == 8
    for row in rows:
        assert row["verdict"] in ("significant", "not significant"), row
        assert row["diff"] is not None and row["agreement"] >= 0.95
        assert row["throughput_ratio"] > 0 and row["latency_speedup"] > 0
    table = runtime_table(ctx, 200)
    labels = {c.text for row in table.rows for c in row[2:3]}
    assert "probe (mean, logistic_regression)" in labels
