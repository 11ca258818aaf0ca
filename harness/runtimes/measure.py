"""Predictions through a runner and its speed, measured the same way for every runtime and the
same way harness.methods.finetune.eval_order measures the torch pass: rows sorted by length
(longest first) in batches of the evaluation batch size, outputs put back in row order, each
batch timed; batch-1 latency over LATENCY_ROWS single rows drawn with the trial's seed after
one warm-up forward; peak RSS sampled after every batch; the export's size on disk."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

LATENCY_ROWS = 32  # as eval_order.LATENCY_ROWS: the torch row's latency is measured the same way


@dataclass
class Pass:
    outputs: np.ndarray  # (rows, ...) in row order
    seconds: float
    batch_rows: list[int] = field(default_factory=list)
    batch_seconds: list[float] = field(default_factory=list)
    real_tokens: int = 0

    @property
    def samples_per_s(self) -> float | None:
        return len(self.outputs) / self.seconds if self.seconds else None

    def batch_latency_ms(self) -> tuple[float | None, float | None]:
        if not self.batch_rows:
            return None, None
        full = max(self.batch_rows)
        return percentiles_ms([t for t, n in zip(self.batch_seconds, self.batch_rows) if n == full])


def percentiles_ms(seconds: list[float]) -> tuple[float, float]:
    ms = np.asarray(seconds, dtype=np.float64) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 95))


class RssPeak:
    """The highest resident set size of this process seen at any sample()."""

    def __init__(self):
        import psutil

        self._proc, self.peak = psutil.Process(), 0
        self.sample()

    def sample(self) -> None:
        self.peak = max(self.peak, self._proc.memory_info().rss)

    def megabytes(self) -> float:
        self.sample()
        return self.peak / 2**20


def pad_rows(rows: list[dict], pad_id: int = 0) -> dict:
    """Right-pad a list of {input: [ids]} rows to the longest (int64): the padding a tokenizer's
    `pad` gives a BERT-style encoder (ids `pad_id`, attention mask and token types 0)."""
    longest = max(len(r["input_ids"]) for r in rows)
    out = {}
    for key in rows[0]:
        fill = pad_id if key == "input_ids" else 0
        arr = np.full((len(rows), longest), fill, dtype=np.int64)
        for i, r in enumerate(rows):
            arr[i, :len(r[key])] = r[key]
        out[key] = arr
    return out


def tokenizer_pad(tokenizer):
    """Padding as the torch pass pads (the tokenizer's own pad id and side), as int64 arrays."""
    def pad(rows: list[dict]) -> dict:
        batch = tokenizer.pad(rows, return_tensors="np")
        return {k: np.asarray(v, dtype=np.int64) for k, v in batch.items()}

    return pad


def predict_rows(runner, rows: list[dict], batch_size: int, pad=pad_rows,
                 memory: RssPeak | None = None) -> Pass:
    """The runner's output for every row, in row order, from length-sorted batches."""
    lengths = np.asarray([len(r["input_ids"]) for r in rows])
    order = np.argsort(-lengths, kind="stable")
    result, outputs = Pass(np.empty(0), 0.0), None
    start = time.perf_counter()
    for lo in range(0, len(order), batch_size):
        idx = order[lo:lo + batch_size]
        t0 = time.perf_counter()
        batch = pad([rows[i] for i in idx])
        out = runner.run(batch)
        result.batch_seconds.append(time.perf_counter() - t0)
        result.batch_rows.append(len(idx))
        result.real_tokens += int(batch["attention_mask"].sum())
        if outputs is None:
            outputs = np.empty((len(order), *out.shape[1:]), dtype=np.float32)
        outputs[idx] = out
        if memory is not None:
            memory.sample()
    result.seconds = time.perf_counter() - start
    result.outputs = outputs if outputs is not None else np.empty((0, 0), dtype=np.float32)
    return result


def latency_batch1(runner, rows: list[dict], seed: int, pad=pad_rows,
                   n: int = LATENCY_ROWS) -> tuple[float, float]:
    """p50/p95 ms of single-row forwards over a seeded sample of rows, after one warm-up."""
    pick = np.random.default_rng(seed).permutation(len(rows))[:n]
    runner.run(pad([rows[pick[0]]]))  # warm-up: first-call allocations, JIT
    times = []
    for i in pick:
        t0 = time.perf_counter()
        runner.run(pad([rows[i]]))
        times.append(time.perf_counter() - t0)
    return percentiles_ms(times)


def speed_timing(test: Pass, latency: tuple[float, float], memory: RssPeak) -> dict:
    """The record's Timing fields of a runtime trial's test pass."""
    p50, p95 = test.batch_latency_ms()
    return {"test_runtime_s": test.seconds, "test_samples_per_s": test.samples_per_s,
            "latency_ms_p50_b1": latency[0], "latency_ms_p95_b1": latency[1],
            "latency_ms_p50_batch": p50, "latency_ms_p95_batch": p95,
            "peak_memory_mb": memory.megabytes()}
