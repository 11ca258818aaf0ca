"""What each runtime is: its family, precision, the packages it needs (the `[runtimes]` extra),
its quantisation config and the CPU features that accelerate it. Light: no torch, no runtime
package is imported (installed-ness is looked up by module spec)."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field

from harness.specs.runtime import REFERENCE, RUNTIME_NAMES

EXTRA = "pip install 'harness[runtimes]' (onnx, onnxruntime, openvino)"


@dataclass(frozen=True)
class Runtime:
    name: str
    family: str  # torch | onnx | openvino
    precision: str  # fp32 | bf16 | int8 (weights; activations quantised per batch)
    modules: tuple[str, ...] = ()  # import names it needs beyond torch
    packages: tuple[str, ...] = ()  # distribution names whose versions enter its trials' keys
    quantization: dict | None = None  # enters the key
    accelerated_by: tuple[str, ...] = ()  # CPU features (harness.cpu_features) that speed it up
    notes: str = ""
    export_from: str | None = None  # another runtime's export it is made from (int8 from onnx)
    hints: dict = field(default_factory=dict)  # compile options beyond threads (OpenVINO)


RUNTIMES: dict[str, Runtime] = {r.name: r for r in (
    Runtime("torch", "torch", "fp32"),
    Runtime("torch-bf16", "torch", "bf16", packages=("torch",),
            accelerated_by=("AMX-BF16", "AVX-512 BF16"),
            notes="torch.autocast(bfloat16) around the forward pass"),
    Runtime("onnx", "onnx", "fp32", ("onnx", "onnxruntime"), ("onnx", "onnxruntime", "torch"),
            notes="torch.onnx.export(dynamo=False), onnxruntime CPUExecutionProvider"),
    Runtime("onnx-int8", "onnx", "int8", ("onnx", "onnxruntime"), ("onnx", "onnxruntime", "torch"),
            quantization={"method": "onnxruntime.quantization.quantize_dynamic",
                          "weight_type": "QInt8", "per_channel": False, "reduce_range": False},
            accelerated_by=("AMX-INT8", "AVX-512 VNNI", "AVX-VNNI"), export_from="onnx",
            notes="dynamic int8: weights int8, activations quantised per batch"),
    Runtime("openvino", "openvino", "fp32", ("openvino",), ("openvino", "torch"),
            hints={"INFERENCE_PRECISION_HINT": "f32"},
            notes="openvino.convert_model from the torch module, CPU plugin, f32"),
    Runtime("openvino-bf16", "openvino", "bf16", ("openvino",), ("openvino", "torch"),
            hints={"INFERENCE_PRECISION_HINT": "bf16"}, accelerated_by=("AMX-BF16", "AVX-512 BF16"),
            export_from="openvino",
            notes="the f32 OpenVINO model compiled with INFERENCE_PRECISION_HINT bf16"),
)}
assert tuple(RUNTIMES) == RUNTIME_NAMES


def runtime(name: str) -> Runtime:
    return RUNTIMES[name]


def installed(module: str) -> bool:
    """Whether `module` can be imported (a None entry in sys.modules, as tests set it, is not)."""
    if module in sys.modules:
        return sys.modules[module] is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def missing_modules(name: str) -> list[str]:
    return [m for m in RUNTIMES[name].modules if not installed(m)]


def non_reference(names: list[str]) -> list[str]:
    return [n for n in names if n != REFERENCE]


def accelerated(features: list[str] | None) -> dict[str, list[str]]:
    """runtime -> the CPU features it uses that this CPU has (only runtimes with any)."""
    have = set(features or [])
    return {r.name: [f for f in r.accelerated_by if f in have] for r in RUNTIMES.values()
            if any(f in have for f in r.accelerated_by)}


def runtime_label(label: str, record) -> str:
    """A report row's label with its runtime: `finetune [onnx-int8]` (torch: unchanged)."""
    runtime = getattr(record, "runtime", None)
    return f"{label} [{runtime.name}]" if runtime is not None else label
