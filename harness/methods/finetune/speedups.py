"""Choices that make a fine-tune cheaper without changing what it computes: which inputs the
model takes, TF32 where the GPU has it, padding buckets for torch.compile, the MFU dtype."""

from __future__ import annotations

import inspect

from harness.data.load import LABEL

COMPILE_BUCKET = 16  # torch.compile: pad to a multiple of this, so lengths fall in few buckets
GPU_PAD_MULTIPLE = 8  # tensor cores like multiples of 8


def model_inputs(model, columns: list[str]) -> set[str]:
    """Tokenized columns the model's forward() accepts (a DistilBERT takes no token_type_ids)."""
    accepted = set(inspect.signature(model.forward).parameters)
    return {c for c in columns if c in accepted and c != LABEL}


def enable_tf32() -> bool:
    """TF32 matmuls on Ampere or newer GPUs (fp32 storage, tensor-core math); False elsewhere."""
    import torch

    if not torch.cuda.is_available() or torch.cuda.get_device_capability(0) < (8, 0):
        return False
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    return True


def pad_multiple(cuda: bool, compiled: bool) -> int | None:
    """Dynamic padding to the batch's longest row, rounded up to buckets when compiled (so
    torch.compile sees at most max_length / COMPILE_BUCKET shapes, not one per length) and to
    multiples of 8 on GPU; exact on CPU."""
    if compiled:
        return COMPILE_BUCKET
    return GPU_PAD_MULTIPLE if cuda else None


def mfu_dtype(precision: str, cuda: bool, tf32: bool) -> str | None:
    """The peak-table dtype that the matmuls ran in (CPU: fp32 or bf16, against its measured
    peak; None for fp16 on CPU)."""
    if not cuda:
        return {"float32": "fp32", "bf16": "bf16"}.get(precision)
    if precision in ("bf16", "fp16"):
        return precision
    return "tf32" if tf32 else "fp32"
