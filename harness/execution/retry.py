"""Out of memory: retry a trial with half the per-device batch and proportionally more gradient
accumulation (the same effective batch, so the same trial key), down to a floor of batch 1.

Each attempt that ran out of memory, and the one that then succeeded, goes into
`TrialRecord.attempts` (reason, batch_size, gradient_accumulation_steps, eval_batch_size). After the
floor the trial fails with OutOfMemoryGaveUp naming every batch it tried. transformers'
`auto_find_batch_size` only halves the batch (the effective batch shrinks) and records nothing,
hence this loop.
"""

from __future__ import annotations

import gc

from harness.methods.registry import METHODS


class OutOfMemoryGaveUp(RuntimeError):
    """Out of memory even at the floor (per-device batch 1)."""


def smaller_batch(batch: int) -> int:
    """The largest divisor of `batch` that is at most half of it (so accumulation stays exact)."""
    return max(d for d in range(1, batch // 2 + 1) if batch % d == 0)


def _free_memory() -> None:
    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def run_with_oom_retries(trial, ctx, attempts: list[dict]):
    import torch

    run = METHODS[trial.method].run
    base = ctx.training(trial)
    batch, accum, eval_batch = base.batch_size, base.gradient_accumulation_steps, base.eval_batch_size
    while True:
        settings = {"batch_size": batch, "gradient_accumulation_steps": accum,
                    "eval_batch_size": eval_batch}
        ctx.training_override = settings if attempts else None
        try:
            outcome = run(trial, ctx)
        except torch.OutOfMemoryError as e:
            reason = (str(e).strip().splitlines() or ["out of memory"])[0][:300]
        else:
            if attempts:
                attempts.append({"reason": None, "outcome": "ok", **settings})
            return outcome
        finally:
            ctx.training_override = None
        attempts.append({"reason": f"OutOfMemoryError: {reason}", "outcome": "out of memory",
                         **settings})
        _free_memory()
        if batch <= 1:
            tried = ", ".join(f"{a['batch_size']}×{a['gradient_accumulation_steps']}" for a in attempts)
            raise OutOfMemoryGaveUp(f"out of memory even at batch 1 (tried batch × accumulation: "
                                    f"{tried}); last: {reason}")
        new = smaller_batch(batch)
        batch, accum = new, accum * (batch // new)
        eval_batch = max(1, eval_batch // 2)
