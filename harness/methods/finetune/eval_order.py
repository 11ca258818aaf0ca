"""Evaluation in length-sorted batches, results handed back in the dataset's row order.

Sorting by length (longest first, so an out-of-memory shows on the first batch) makes each batch
pad to almost nothing, which is why evaluation batches can be much larger than training ones.
The permutation is inverted before anything leaves this module: `logits[i]` is row i's. This
sidesteps Trainer.predict(), whose order changes under length-grouped sampling (see
library-facts: the row-order trap).

Each batch is timed (collate + forward + logits on the host; synchronised on GPU), which gives
samples/s, padding share and the latency distribution at the evaluation batch size for free;
`latency_batch1` times single rows.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field

import numpy as np

from harness.methods.finetune.tokenize_cache import LENGTH

LATENCY_ROWS = 32  # single-row forwards timed for the batch-1 latency (after one warm-up)


@dataclass
class Inference:
    logits: np.ndarray  # (rows, labels), row order
    seconds: float
    batch_rows: list[int] = field(default_factory=list)
    batch_seconds: list[float] = field(default_factory=list)
    real_tokens: int = 0
    padded_tokens: int = 0

    @property
    def samples_per_s(self) -> float:
        return len(self.logits) / self.seconds

    @property
    def tokens_per_s(self) -> float:
        return self.real_tokens / self.seconds

    @property
    def padding_share(self) -> float | None:
        return 1 - self.real_tokens / self.padded_tokens if self.padded_tokens else None

    def batch_latency_ms(self) -> tuple[float, float]:
        """p50/p95 over full batches (every batch when none is full)."""
        full = max(self.batch_rows)
        times = [t for t, n in zip(self.batch_seconds, self.batch_rows) if n == full]
        return percentiles_ms(times)


def percentiles_ms(seconds: list[float]) -> tuple[float, float]:
    ms = np.asarray(seconds, dtype=np.float64) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 95))


def _rows(dataset, inputs: set[str]) -> tuple[list[dict], np.ndarray]:
    table = dataset[:]
    keep = [k for k in table if k in inputs]
    n = len(table["input_ids"])
    rows = [{k: table[k][i] for k in keep} for i in range(n)]
    lengths = np.asarray(table[LENGTH] if LENGTH in table else [len(r["input_ids"]) for r in rows])
    return rows, lengths


def _logits(out):
    return out.logits


def _forward(model, pad, rows, device, autocast_dtype, outputs=_logits):
    """One batch: padded, moved, run; `outputs(model_output)` is what is kept (the task type's
    choice: logits for sequence tasks)."""
    import torch

    batch = {k: v.to(device, non_blocking=True) for k, v in pad(rows).items()}
    ctx = (torch.autocast(device.type, dtype=autocast_dtype) if autocast_dtype is not None
           else contextlib.nullcontext())
    with ctx:
        out = model(**batch)
    return outputs(out).float().cpu().numpy(), batch["attention_mask"]


def predict_rows(model, dataset, pad, inputs: set[str], batch_size: int, *, autocast_dtype=None,
                 memory=None, outputs=_logits) -> Inference:
    """Logits of every row of `dataset`, in row order, from length-sorted batches."""
    import torch

    rows, lengths = _rows(dataset, inputs)
    order = np.argsort(-lengths, kind="stable")
    device = next(model.parameters()).device
    cuda = device.type == "cuda"
    model.eval()
    logits, result = None, Inference(np.empty(0), 0.0)
    start = time.perf_counter()
    with torch.inference_mode():
        for lo in range(0, len(order), batch_size):
            idx = order[lo:lo + batch_size]
            t0 = time.perf_counter()
            out, mask = _forward(model, pad, [rows[i] for i in idx], device, autocast_dtype, outputs)
            if cuda:
                torch.cuda.synchronize()
            result.batch_seconds.append(time.perf_counter() - t0)
            result.batch_rows.append(len(idx))
            result.real_tokens += int(mask.sum())
            result.padded_tokens += int(mask.numel())
            if logits is None:
                logits = np.empty((len(order), *out.shape[1:]), dtype=np.float32)
            logits[idx] = out  # back to row order
            if memory is not None:
                memory.sample()
    result.seconds = time.perf_counter() - start
    result.logits = logits if logits is not None else np.empty((0, 0), dtype=np.float32)
    return result


def latency_batch1(model, dataset, pad, inputs: set[str], *, rows: int = LATENCY_ROWS, seed: int = 0,
                   autocast_dtype=None) -> tuple[float, float]:
    """p50/p95 milliseconds of single-row forwards on a seeded sample of `dataset`'s rows."""
    import torch

    all_rows, _ = _rows(dataset, inputs)
    pick = np.random.default_rng(seed).permutation(len(all_rows))[:rows]
    device = next(model.parameters()).device
    model.eval()
    times = []
    with torch.inference_mode():
        _forward(model, pad, [all_rows[pick[0]]], device, autocast_dtype)  # warm-up
        for i in pick:
            t0 = time.perf_counter()
            _forward(model, pad, [all_rows[i]], device, autocast_dtype)
            if device.type == "cuda":
                torch.cuda.synchronize()
            times.append(time.perf_counter() - t0)
    return percentiles_ms(times)


def inference_timing(model, test_split, pad, inputs, test, passes, autocast, seed) -> dict:
    """Latency p50/p95 at batch 1 (timed single rows) and at the evaluation batch size (the test
    pass's full batches); padding share over every evaluation pass."""
    p50_b1, p95_b1 = latency_batch1(model, test_split, pad, inputs, seed=seed,
                                    autocast_dtype=autocast)
    p50, p95 = test.batch_latency_ms()
    padded = sum(p.padded_tokens for p in passes)
    return {"latency_ms_p50_b1": p50_b1, "latency_ms_p95_b1": p95_b1,
            "latency_ms_p50_batch": p50, "latency_ms_p95_batch": p95,
            "padding_share_eval": 1 - sum(p.real_tokens for p in passes) / padded if padded else None}
