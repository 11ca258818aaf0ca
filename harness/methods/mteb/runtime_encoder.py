"""The suite model's SentenceTransformer encoding through a runtime (harness.runtimes): its
whole pipeline (transformer, pooling, normalisation, any dense layers) exported once per model
and pooling, then the SentenceTransformer's forward answered by the runtime, so tokenisation,
batching, length sorting and mteb's wrapper stay exactly the torch trial's. torch-bf16 runs the
same forward under bf16 autocast. `TimedEncoder` counts texts and seconds of every encode call
(torch and runtime trials alike) for the encode speed ratio."""

from __future__ import annotations

import time
import types
import warnings

from harness.runtimes import cache
from harness.runtimes.catalog import RUNTIMES
from harness.trial import trial_key


def export_key(model_material: dict, pooling: str) -> str:
    """What the export depends on: the model and how the pipeline pools (not the task)."""
    return trial_key({"model": model_material, "pooling": pooling, "export": "sentence-embedding"})


def through_runtime(wrapped, name: str, results_root, key: str, threads: int, log: list) -> dict:
    """Make `wrapped` (an mteb SentenceTransformerEncoderWrapper) encode through runtime `name`;
    returns facts for the record (export steps, compiled precision, size on disk)."""
    import torch

    from harness.runtimes import export, modules
    from harness.runtimes.session import open_runner

    st = wrapped.model
    original = st.forward
    if RUNTIMES[name].family == "torch":  # torch-bf16: the same forward under autocast
        def forward(self, features, **kwargs):
            with torch.autocast("cpu", dtype=torch.bfloat16):
                out = original(features, **kwargs)
            return {**out, "sentence_embedding": out["sentence_embedding"].float()}

        st.forward = types.MethodType(forward, st)
        return {"compiled_precision": None, "model_size_mb": None}
    tok = st.tokenizer
    example = {k: v.numpy() for k, v in
               tok(["an example sentence", "two"], padding=True, return_tensors="pt").items()}

    def make():
        inputs = [k for k in modules.INPUTS if k in example]
        return modules.sentence_embedding(st), inputs

    what = export.Exportable(make, "sentence_embedding", {0: "batch"}, example)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        folder = export.ensure(cache.export_root(results_root) / key, name, what, log)
        runner = open_runner(name, folder, threads)

    def forward(self, features, **kwargs):
        batch = {k: features[k].cpu().numpy() for k in runner.inputs}
        return {**features, "sentence_embedding": torch.from_numpy(runner.run(batch))}

    st.forward = types.MethodType(forward, st)
    return {"compiled_precision": getattr(runner, "precision", None),
            "model_size_mb": cache.size_mb(folder, "model.*")}


class TimedEncoder:
    """Delegates to an mteb encoder; counts the texts and seconds of its encode calls."""

    def __init__(self, inner):
        self.inner = inner
        self.rows = 0
        self.seconds = 0.0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def encode(self, inputs, *args, **kwargs):
        t0 = time.perf_counter()
        out = self.inner.encode(inputs, *args, **kwargs)
        self.seconds += time.perf_counter() - t0
        self.rows += len(out)
        return out

    def rate(self) -> float | None:
        return self.rows / self.seconds if self.seconds else None
