"""Training throughput that can be trusted: per-step clocks, steady state, padding, memory.

- `CountingCollator` pads each batch dynamically and counts, per training batch, rows, real
  (attention-mask) tokens and padded tokens. Training rows carry the `length` column (the
  sampler's lengths); evaluation rows do not, which is how it tells training batches apart.
- `StepClock` (a TrainerCallback) stamps the end of every optimizer step: CUDA events on GPU
  (read after one synchronize at the end, so steps are not serialised), perf_counter on CPU.
  Intervals that contain an evaluation or a checkpoint save are left out.
- `steady_state` drops the first steps as warm-up (allocator, caches, lazy init) and turns the
  rest into samples/s, non-padding tokens/s and optimizer steps/s.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from transformers import TrainerCallback

from harness.methods.finetune.tokenize_cache import LENGTH


def warmup_steps(n_steps: int) -> int:
    """Steps left out as warm-up: 10 % of them, at least 1 and at most 10; none below 3 steps."""
    return 0 if n_steps < 3 else min(10, max(1, n_steps // 10))


class MemoryPeak:
    """Peak memory of a trial: CUDA max allocated on GPU; on CPU the highest process RSS seen
    at any sample() call (every optimizer step and inference batch)."""

    def __init__(self, cuda: bool):
        import psutil
        import torch

        self.cuda, self._proc, self._rss = cuda, psutil.Process(), 0
        if cuda:
            torch.cuda.reset_peak_memory_stats()
        self.sample()

    def sample(self) -> None:
        if not self.cuda:
            self._rss = max(self._rss, self._proc.memory_info().rss)

    def megabytes(self) -> float:
        import torch

        self.sample()
        peak = torch.cuda.max_memory_allocated() if self.cuda else self._rss
        return peak / 2**20


@dataclass
class BatchCounts:
    rows: list[int] = field(default_factory=list)
    real: list[int] = field(default_factory=list)
    padded: list[int] = field(default_factory=list)  # rows × padded length

    def add(self, rows: int, real: int, padded: int) -> None:
        self.rows.append(rows)
        self.real.append(real)
        self.padded.append(padded)

    def padding_share(self) -> float | None:
        total = sum(self.padded)
        return (total - sum(self.real)) / total if total else None


class CountingCollator:
    """The task type's padding collator (harness.tasks: DataCollatorWithPadding for texts),
    fed only the model's inputs, counting training batches."""

    def __init__(self, pad, inputs: set[str]):
        self.pad = pad
        self.keep = set(inputs) | {"label", "labels"}
        self.train = BatchCounts()

    def __call__(self, features):
        training = LENGTH in features[0]
        batch = self.pad([{k: v for k, v in f.items() if k in self.keep} for f in features])
        if training:
            mask = batch["attention_mask"]
            self.train.add(int(mask.shape[0]), int(mask.sum()), int(mask.numel()))
        return batch


class StepClock(TrainerCallback):
    """End-of-step timestamps of the training loop; evaluation/save intervals flagged."""

    def __init__(self, cuda: bool, memory: MemoryPeak | None = None):
        self.cuda, self.memory = cuda, memory
        self.marks: list = []  # train begin, then one per optimizer step
        self.tainted: set[int] = set()  # intervals (0-based steps) that hold an eval or save
        self.wall_s: float | None = None
        self._t0 = 0.0

    def _mark(self):
        import torch

        if self.cuda:
            event = torch.cuda.Event(enable_timing=True)
            event.record()
            return event
        return time.perf_counter()

    def on_train_begin(self, args, state, control, **kwargs):
        self._t0 = time.perf_counter()
        self.marks = [self._mark()]

    def on_step_end(self, args, state, control, **kwargs):
        self.marks.append(self._mark())
        if self.memory:
            self.memory.sample()

    def on_evaluate(self, args, state, control, **kwargs):
        self.tainted.add(len(self.marks) - 1)  # the next step's interval holds this evaluation

    def on_save(self, args, state, control, **kwargs):
        self.tainted.add(len(self.marks) - 1)

    def on_train_end(self, args, state, control, **kwargs):
        import torch

        if self.cuda:
            torch.cuda.synchronize()
        self.wall_s = time.perf_counter() - self._t0

    def intervals(self) -> list[float]:
        """Seconds of each optimizer step (end of the previous step to end of this one)."""
        if self.cuda:
            return [a.elapsed_time(b) / 1000 for a, b in zip(self.marks, self.marks[1:])]
        return [b - a for a, b in zip(self.marks, self.marks[1:])]


def step_batches(n_steps: int, batches_per_epoch: int, accumulation: int) -> list[int]:
    """Batches each optimizer step consumed: `accumulation` each, the remainder at an epoch's end."""
    per_epoch = [accumulation] * (batches_per_epoch // accumulation)
    if batches_per_epoch % accumulation:
        per_epoch.append(batches_per_epoch % accumulation)
    out: list[int] = []
    while len(out) < n_steps:
        out.extend(per_epoch)
    return out[:n_steps]


def steady_state(clock: StepClock, counts: BatchCounts, batches_per_epoch: int,
                 accumulation: int) -> dict[str, float | None]:
    """samples/s, non-padding tokens/s and optimizer steps/s after the warm-up steps."""
    times = clock.intervals()
    sizes = step_batches(len(times), batches_per_epoch, accumulation)
    if len(times) == 0 or sum(sizes) > len(counts.rows):
        return {"train_samples_per_s": None, "train_tokens_per_s": None, "train_steps_per_s": None}
    first, rows, real, seconds, steps, b = warmup_steps(len(times)), 0, 0, 0.0, 0, 0
    for i, (dt, n) in enumerate(zip(times, sizes)):
        if i >= first and i not in clock.tainted:
            rows += sum(counts.rows[b:b + n])
            real += sum(counts.real[b:b + n])
            seconds += dt
            steps += 1
        b += n
    if not seconds:
        return {"train_samples_per_s": None, "train_tokens_per_s": None, "train_steps_per_s": None}
    return {"train_samples_per_s": rows / seconds, "train_tokens_per_s": real / seconds,
            "train_steps_per_s": steps / seconds}
