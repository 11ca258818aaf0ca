"""One runner per runtime: `run(batch) -> float32 array` on a padded batch of int64 arrays, on
`threads` intra-op threads (the trial's torch thread count, so every runtime gets the same
cores: ORT intra_op_num_threads, OpenVINO INFERENCE_NUM_THREADS, torch.set_num_threads)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Callable

import numpy as np

from harness.runtimes.catalog import RUNTIMES


class Runner:
    name: str
    threads: int
    inputs: list[str]  # what the runtime's graph takes (a batch's other arrays are dropped)

    def run(self, batch: dict) -> np.ndarray:
        raise NotImplementedError


class TorchRunner(Runner):
    """The torch module itself (fp32), or under torch.autocast(bfloat16) for torch-bf16."""

    def __init__(self, name: str, module, inputs: list[str], threads: int):
        import torch

        torch.set_num_threads(threads)
        self.name, self.threads, self.inputs = name, threads, list(inputs)
        self.module = module.eval()
        self.bf16 = RUNTIMES[name].precision == "bf16"

    def run(self, batch: dict) -> np.ndarray:
        import torch

        args = [torch.as_tensor(batch[k]) for k in self.inputs]
        ctx = torch.autocast("cpu", dtype=torch.bfloat16) if self.bf16 else contextlib.nullcontext()
        with torch.inference_mode(), ctx:
            out = self.module(*args)
        return out.float().numpy()


class OnnxRunner(Runner):
    def __init__(self, name: str, folder: Path, threads: int):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self.session = ort.InferenceSession(str(folder / "model.onnx"), opts,
                                            providers=["CPUExecutionProvider"])
        self.name, self.threads = name, threads
        self.inputs = [i.name for i in self.session.get_inputs()]

    def run(self, batch: dict) -> np.ndarray:
        feed = {k: np.ascontiguousarray(batch[k], dtype=np.int64) for k in self.inputs}
        return np.asarray(self.session.run(None, feed)[0], dtype=np.float32)


class OpenVinoRunner(Runner):
    def __init__(self, name: str, folder: Path, threads: int):
        import openvino as ov

        core = ov.Core()
        config = {**RUNTIMES[name].hints, "INFERENCE_NUM_THREADS": threads}
        self.compiled = core.compile_model(core.read_model(str(folder / "model.xml")), "CPU", config)
        self.request = self.compiled.create_infer_request()
        self.name, self.threads = name, threads
        self.inputs = [inp.get_any_name() for inp in self.compiled.inputs]
        hint = self.compiled.get_property("INFERENCE_PRECISION_HINT")  # an openvino Type
        self.precision = hint.to_string() if hasattr(hint, "to_string") else str(hint)

    def run(self, batch: dict) -> np.ndarray:
        feed = {k: np.ascontiguousarray(batch[k], dtype=np.int64) for k in self.inputs}
        result = self.request.infer(feed)
        return np.asarray(result[self.compiled.output(0)], dtype=np.float32)


def open_runner(name: str, folder: Path | None, threads: int,
                module: Callable[[], object] | None = None,
                inputs: list[str] | None = None) -> Runner:
    """The runner of `name` over its export `folder` (torch runtimes: over `module()`)."""
    family = RUNTIMES[name].family
    if family == "torch":
        return TorchRunner(name, module(), inputs or [], threads)
    if family == "onnx":
        return OnnxRunner(name, folder, threads)
    return OpenVinoRunner(name, folder, threads)
