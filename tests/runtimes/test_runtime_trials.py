"""Runtime trials end to end on a tiny BERT (slow tier): every runtime's trial ok from the kept
fine-tune, a rerun that adds runtimes trains nothing and makes each export once, the runtime
table's verdicts are the one paired rule's (a forced int8 disagreement is significant only when
the rule says so), failures are rows, and a failed source leaves its runtime trials failed."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
from conftest import tiny_suite

from harness.cli import main
from harness.reports.context import load_context
from harness.reports.rule import paired_test
from harness.reports.runtimes import runtime_rows
from harness.store.store import ResultsStore
from harness.suite.runtime_checks import EXERCISED, OK

pytest.importorskip("onnxruntime", reason="the [runtimes] extra is not installed")
pytest.importorskip("openvino", reason="the [runtimes] extra is not installed")

ALL = "[torch, torch-bf16, onnx, onnx-int8, openvino, openvino-bf16]"


def _run(root, tiny_bert, data, runtimes: str, name: str) -> tuple[int, str, str]:
    suite = root / f"{name}.yaml"
    suite.write_text(tiny_suite(tiny_bert, data, epochs=3) + f"runtimes: {runtimes}\n",
                     encoding="utf-8")
    runs = root / "results" / "runs"
    before = set(runs.glob("*.json")) if runs.is_dir() else set()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["run", str(suite), "--results-dir", str(root / "results")])
    (new,) = set(runs.glob("*.json")) - before - {p for p in runs.glob("*.suite.yaml")}
    return code, new.stem, out.getvalue()


@pytest.fixture(scope="module")
def runs(tmp_path_factory, tiny_bert, english_data):
    root = tmp_path_factory.mktemp("runtimes")
    first = _run(root, tiny_bert, english_data, "[torch, onnx]", "first")
    second = _run(root, tiny_bert, english_data, ALL, "second")
    return root / "results", first, second


@pytest.mark.slow  # trains a tiny BERT, exports it to ONNX and OpenVINO
def test_a_rerun_adding_runtimes_trains_nothing_and_exports_once(runs):
    results, (code1, run1, _), (code2, run2, printed) = runs
    assert code1 == 0 and code2 == 0
    assert "harness: 0 trained, 4 through runtimes (no training), 3 already done, 0 failed" \
        in printed
    records = ResultsStore(results).records()
    trained = [r for r in records if r.method == "finetune" and r.runtime is None]
    assert len(trained) == 1 and trained[0].run_id == run1  # the rerun trained nothing
    assert sorted(r.runtime.name for r in records if r.runtime and r.run_id == run2) == \
        ["onnx-int8", "openvino", "openvino-bf16", "torch-bf16"]
    made: dict[str, int] = {}
    for r in records:
        for step in (r.runtime.export if r.runtime else []):
            made[step["export"]] = made.get(step["export"], 0) + (not step["reused"])
    assert made == {"onnx": 1, "onnx-int8": 1, "openvino": 1}  # openvino-bf16: the same IR


@pytest.mark.slow  # reads the runs above
def test_every_runtime_row_is_ok_and_agrees_with_torch(runs):
    results = runs[0]
    records = ResultsStore(results).records()
    assert all(r.status == "ok" for r in records)
    ctx = load_context(results, n_boot=200)
    rows = {r["runtime"]: r for r in runtime_rows(ctx, 200)}
    assert sorted(rows) == ["onnx", "onnx-int8", "openvino", "openvino-bf16", "torch-bf16"]
    assert all(EXERCISED["bert"][name] == OK for name in rows)  # validate's claim, kept true
    for name, row in rows.items():
        assert row["agreement"] >= 0.9, (name, row)
        assert row["throughput_ratio"] > 0 and row["latency_p50_ms"] > 0
    assert rows["onnx"]["agreement"] == 1.0 and rows["openvino"]["agreement"] == 1.0
    int8 = next(r for r in records if r.runtime and r.runtime.name == "onnx-int8")
    assert int8.runtime.quantization["weight_type"] == "QInt8" and int8.timing.model_size_mb
    ov = next(r for r in records if r.runtime and r.runtime.name == "openvino-bf16")
    assert ov.runtime.compiled_precision == "bf16" and ov.environment.cpu_features is not None


def _force(results, record, flip: np.ndarray) -> None:
    path = results / record.artifacts["predictions"]
    with np.load(path) as z:
        arrays = dict(z)
    arrays["predictions"] = np.where(flip, (arrays["label_ids"] + 1) % 3, arrays["label_ids"])
    np.savez(path, **arrays)


@pytest.mark.slow  # rewrites the int8 row's stored predictions of the runs above
@pytest.mark.parametrize("wrong", [2, 40])
def test_forced_int8_disagreement_is_significant_only_by_the_rule(runs, wrong, tmp_path):
    import shutil

    results = tmp_path / "results"
    shutil.copytree(runs[0], results)
    store = ResultsStore(results)
    torch_rec = next(r for r in store.records() if r.method == "finetune" and r.runtime is None)
    int8 = next(r for r in store.records() if r.runtime and r.runtime.name == "onnx-int8")
    with np.load(results / torch_rec.artifacts["predictions"]) as z:
        y, base = z["label_ids"], z["predictions"]
    _force(results, torch_rec, np.zeros(len(y), bool))  # torch right everywhere
    flip = np.zeros(len(y), bool)
    flip[:wrong] = True  # int8 wrong on the first `wrong` examples, right elsewhere
    _force(results, int8, flip)
    ctx = load_context(results, n_boot=500)
    row = next(r for r in runtime_rows(ctx, 500) if r["runtime"] == "onnx-int8")
    assert row["agreement"] == pytest.approx(1 - wrong / len(y))
    from harness.metrics.registry import METRICS, MetricContext

    fn, mctx = METRICS["accuracy"], MetricContext(3, None)
    pred_int8 = np.where(flip, (y + 1) % 3, y)
    rule = paired_test("accuracy", y, [pred_int8], [y], [float(np.mean(pred_int8 == y))], [1.0],
                       lambda t, p: fn(t, p, mctx), 500)
    assert row["significant"] == rule.significant
    assert row["significant"] is (wrong == 40)  # 2 of 60 differ: within noise; 40: not
    assert row["verdict"] == ("significant" if wrong == 40 else "not significant")
    assert base.shape == y.shape
