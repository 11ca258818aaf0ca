"""A torch module exported for a runtime, once per source and runtime, under a file lock.

- onnx: `torch.onnx.export(..., dynamo=False)` with batch and sequence axes dynamic (the
  TorchScript exporter; the dynamo one needs onnxscript and traces differently);
- onnx-int8: `onnxruntime.quantization.quantize_dynamic` (QInt8 weights) of the onnx export,
  which is made first when missing;
- openvino, openvino-bf16: `openvino.convert_model` straight from the torch module, saved as IR
  with `compress_to_fp16=False` (save_model's default would halve every weight to fp16 on disk,
  a precision change nobody asked for); bf16 is a compile hint on the same IR (session.py);
- torch-bf16: nothing to export (the kept module runs under autocast).

An exporter that cannot handle the model raises ExportFailed with the library's one-line reason:
the trial becomes a failed row, never a crash of the run.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from harness.runtimes.cache import complete, fresh, mark_complete
from harness.runtimes.catalog import RUNTIMES

OPSET = 17
FOLDERS = {"onnx": "onnx", "onnx-int8": "onnx-int8", "openvino": "openvino",
           "openvino-bf16": "openvino"}  # bf16 compiles the f32 IR with a precision hint


class ExportFailed(RuntimeError):
    """An exporter or quantiser refused the model: one line naming the step and the reason."""


@dataclass
class Exportable:
    """What an exporter needs: `make()` -> (the torch module, its input names in forward order)
    (called only when an export is made: one found in the cache never loads the model), the
    output's name and dynamic axes, and an example batch (int64 arrays, ≥ 2 rows)."""

    make: Callable[[], tuple[object, list[str]]]
    output: str
    output_axes: dict[int, str]
    example: dict


def one_line(error: BaseException) -> str:
    lines = [ln.strip() for ln in str(error).strip().splitlines() if ln.strip()]
    return f"{type(error).__name__}: {lines[0] if lines else ''}"[:400]


def ensure(root: Path, name: str, what: Exportable, log: list) -> Path:
    """The folder holding `name`'s export under `root` (<export dir>/<source key>), made when
    missing. Appends {"export": name, "seconds"| "reused"} to `log`."""
    from filelock import FileLock

    folder = root / FOLDERS[name]
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(root / ".export.lock")):
        if complete(folder):
            log.append({"export": FOLDERS[name], "reused": True})
            return folder
        t0 = time.perf_counter()
        source = RUNTIMES[name].export_from
        if name == "onnx-int8":
            fp32 = _ensure_locked(root, source, what, log)
            _quantize(fp32 / "model.onnx", fresh(folder) / "model.onnx")
        elif RUNTIMES[name].family == "onnx":
            _onnx(what, fresh(folder) / "model.onnx")
        else:
            _openvino(what, fresh(folder) / "model.xml")
        mark_complete(folder)
        log.append({"export": FOLDERS[name], "reused": False,
                    "seconds": round(time.perf_counter() - t0, 3)})
        return folder


def _ensure_locked(root: Path, name: str, what: Exportable, log: list) -> Path:
    """`ensure` for a runtime another export is made from (the lock is already held)."""
    folder = root / FOLDERS[name]
    if complete(folder):
        log.append({"export": FOLDERS[name], "reused": True})
        return folder
    t0 = time.perf_counter()
    _onnx(what, fresh(folder) / "model.onnx")
    mark_complete(folder)
    log.append({"export": FOLDERS[name], "reused": False,
                "seconds": round(time.perf_counter() - t0, 3)})
    return folder


def _tensors(what: Exportable, inputs: list[str]) -> dict:
    import torch

    return {k: torch.as_tensor(what.example[k]) for k in inputs}


def _no_graph_dump():
    """torch 2.13's TorchScript exporter turns its ONNX log on for every export (its
    `setup_onnx_logging` tests the function `_jit_is_onnx_log_enabled`, not its result) and,
    when an op has no symbolic, writes the whole Torch IR graph to stdout from C++ before
    raising: hundreds of lines in the middle of a run's output. The log call is silenced for
    the export; the exception and its message are unchanged."""
    import contextlib
    from unittest import mock

    import torch

    core = torch._C  # noqa: SLF001 — the exporter's own log hook
    if not hasattr(core, "_jit_onnx_log"):
        return contextlib.nullcontext()
    return mock.patch.object(core, "_jit_onnx_log", lambda *args: None)


def _onnx(what: Exportable, path: Path) -> None:
    import torch

    module, inputs = what.make()
    axes = {k: {0: "batch", 1: "sequence"} for k in inputs}
    axes[what.output] = dict(what.output_axes)
    example = _tensors(what, inputs)
    try:
        with torch.no_grad(), _no_graph_dump():
            torch.onnx.export(module, tuple(example[k] for k in inputs), str(path),
                              input_names=list(inputs), output_names=[what.output],
                              dynamic_axes=axes, opset_version=OPSET, dynamo=False)
    except Exception as e:  # the exporter's own reason, on one line
        raise ExportFailed(f"torch.onnx.export: {one_line(e)}") from e


def _quantize(src: Path, dst: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    q = RUNTIMES["onnx-int8"].quantization
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # its "consider pre-processing" advice goes to the root logger
    try:
        quantize_dynamic(str(src), str(dst), weight_type=getattr(QuantType, q["weight_type"]),
                         per_channel=q["per_channel"], reduce_range=q["reduce_range"])
    except Exception as e:
        raise ExportFailed(f"onnxruntime quantize_dynamic: {one_line(e)}") from e
    finally:
        root.setLevel(level)


def _openvino(what: Exportable, path: Path) -> None:
    import openvino as ov
    import torch

    module, inputs = what.make()
    try:
        with torch.no_grad():
            model = ov.convert_model(module, example_input=_tensors(what, inputs))
        ov.save_model(model, str(path), compress_to_fp16=False)
    except Exception as e:
        raise ExportFailed(f"openvino.convert_model: {one_line(e)}") from e
