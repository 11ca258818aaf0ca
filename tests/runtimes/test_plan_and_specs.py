"""Runtime trials in the plan (fast, no torch): each source trial followed by its runtime trials,
keys that change with the runtime's packages and quantisation and never change the source's,
the model override, and the CPU feature parsing."""

from __future__ import annotations

import pytest
from conftest import tiny_suite

from harness.cpu_features import parse_cpuinfo
from harness.plan.trials import build_plan, plan_line
from harness.runtimes import plan as rt_plan
from harness.runtimes.catalog import accelerated
from harness.suite.loader import load_suite


def _plan(write_suite, tiny_bert, english_data, extra: str, seeds=(1,)):
    return build_plan(load_suite(write_suite(tiny_suite(tiny_bert, english_data, seeds=seeds)
                                             + extra)).suite)


def test_runtime_trials_follow_their_source_and_leave_its_key(write_suite, tiny_bert, english_data):
    plain = _plan(write_suite, tiny_bert, english_data, "", seeds=(1, 2))
    both = _plan(write_suite, tiny_bert, english_data, "runtimes: [torch, onnx, onnx-int8]\n",
                 seeds=(1, 2))
    tuned = [t for t in both if t.method == "finetune" and t.runtime is None]
    assert [t.key for t in tuned] == [t.key for t in plain if t.method == "finetune"]
    order = [(t.seed, t.runtime) for t in both if t.method == "finetune"]
    assert order == [(1, None), (1, "onnx"), (1, "onnx-int8"), (2, None), (2, "onnx"),
                     (2, "onnx-int8")]
    for t in both:
        if t.runtime:
            source = next(s for s in tuned if s.trial_id == t.after)
            assert t.key_material["source_key"] == source.key
            assert t.key_material["runtime"]["name"] == t.runtime
            assert t.seed == source.seed and t.training == source.training
    int8 = next(t for t in both if t.runtime == "onnx-int8")
    assert int8.key_material["runtime"]["quantization"]["weight_type"] == "QInt8"
    assert "onnxruntime" in int8.key_material["runtime"]["packages"]
    assert "4 through runtimes (no training)" in plan_line(both)


def test_runtime_packages_and_quantisation_enter_the_key(write_suite, tiny_bert, english_data,
                                                          monkeypatch):
    (source,) = [t for t in _plan(write_suite, tiny_bert, english_data, "") if t.method == "finetune"]
    key = rt_plan.runtime_trial(source, "onnx-int8").key
    monkeypatch.setattr(rt_plan, "package_versions",
                        lambda names: {n: "0.0-other" for n in names})
    assert rt_plan.runtime_trial(source, "onnx-int8").key != key
    monkeypatch.undo()
    other = dict(rt_plan.RUNTIMES["onnx-int8"].quantization, per_channel=True)
    material = rt_plan.runtime_material("onnx-int8")
    assert material != {**material, "quantization": other}


def test_a_model_override_replaces_the_suite_list(write_suite, tiny_bert, english_data):
    text = tiny_suite(tiny_bert, english_data).replace(
        "    max_length: 32\n", "    max_length: 32\n    runtimes: [torch, openvino]\n")
    trials = build_plan(load_suite(write_suite(text + "runtimes: [torch, onnx]\n")).suite)
    assert sorted(t.runtime or "torch" for t in trials if t.method == "finetune") == \
        ["openvino", "torch"]


def test_runtimes_never_enter_model_material(write_suite, tiny_bert, english_data):
    plain = _plan(write_suite, tiny_bert, english_data, "")
    text = tiny_suite(tiny_bert, english_data).replace(
        "    max_length: 32\n", "    max_length: 32\n    runtimes: [torch, onnx]\n")
    override = build_plan(load_suite(write_suite(text)).suite)
    assert {t.key for t in plain} <= {t.key for t in override}


@pytest.mark.parametrize("flags, expected", [
    ("fpu avx2 avx512f avx512_vnni avx512_bf16", ["AVX-512 BF16", "AVX-512 VNNI", "AVX-512F", "AVX2"]),
    ("avx2 amx_bf16 amx_int8 amx_tile avx512_bf16", ["AMX-BF16", "AMX-INT8", "AVX-512 BF16", "AVX2"]),
    ("sse4_2 avx2", ["AVX2"]),
])
def test_cpu_features_from_cpuinfo(flags, expected):
    model, features = parse_cpuinfo(f"processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: {flags}\n"
                                     "processor\t: 1\nflags\t\t: none\n")
    assert model == "Some CPU" and features == expected
    fast = accelerated(features)
    assert ("onnx-int8" in fast) == any("INT8" in f or "VNNI" in f for f in features)
    assert ("openvino-bf16" in fast) == any("BF16" in f for f in features)


def test_probe_trials_get_runtime_trials(write_suite, tiny_bert, english_data):
    both = _plan(write_suite, tiny_bert, english_data,
                 "methods: [{type: probe, pooling: [mean, cls]}]\nruntimes: [torch, onnx]\n")
    probes = [t for t in both if t.method == "probe"]
    assert [t.runtime for t in probes] == [None, "onnx", None, "onnx"]
    for source, through in zip(probes[::2], probes[1::2]):
        assert through.after == source.trial_id
        assert through.key_material["source_key"] == source.key
        assert through.key_material["method"] == source.key_material["method"]
