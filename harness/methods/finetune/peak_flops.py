"""Dense peak throughput (TFLOP/s, no structured sparsity) per GPU and dtype, for MFU; on CPU
the peak is this machine's own, measured (cpu_peak: harness.runtimes.cpu_peaks).

Figures are the vendors' datasheet numbers for dense tensor-core math (fp32: the non-tensor-core
figure). A device that is not listed, or a dtype it has no figure for, gives no MFU (None) rather
than a guess. Names are matched as substrings of `torch.cuda.get_device_name()`, first match
wins, so more specific names come first (H100 PCIe before H100, L40S before L4, A100 before A10).

MFU = achieved model FLOP/s ÷ peak, with model FLOP/s ≈ 6 · params · tokens/s for training
(forward + backward) and 2 · params · tokens/s for inference (Kaplan et al. 2020), where params
are the parameters outside embedding tables (lookups are not matrix products) and tokens are the
non-padding tokens (padding is wasted work, not useful work). Attention's own FLOPs are left out,
so MFU is slightly understated at long sequence lengths.
"""

from __future__ import annotations

# name substring -> {dtype: dense peak TFLOP/s}
PEAK_TFLOPS: list[tuple[str, dict[str, float]]] = [
    ("H200", {"bf16": 989.0, "fp16": 989.0, "tf32": 494.5, "fp32": 67.0}),
    ("GH200", {"bf16": 989.0, "fp16": 989.0, "tf32": 494.5, "fp32": 67.0}),
    ("H100 PCIe", {"bf16": 756.0, "fp16": 756.0, "tf32": 378.0, "fp32": 51.0}),
    ("H100 NVL", {"bf16": 835.0, "fp16": 835.0, "tf32": 417.5, "fp32": 60.0}),
    ("H100", {"bf16": 989.0, "fp16": 989.0, "tf32": 494.5, "fp32": 67.0}),  # SXM
    ("A100", {"bf16": 312.0, "fp16": 312.0, "tf32": 156.0, "fp32": 19.5}),
    ("L40S", {"bf16": 362.0, "fp16": 362.0, "tf32": 183.0, "fp32": 91.6}),
    ("L4", {"bf16": 121.0, "fp16": 121.0, "tf32": 60.0, "fp32": 30.3}),
    ("A10G", {"bf16": 70.0, "fp16": 70.0, "tf32": 35.0, "fp32": 31.2}),
    ("A10", {"bf16": 125.0, "fp16": 125.0, "tf32": 62.5, "fp32": 31.2}),
    ("V100", {"fp16": 125.0, "fp32": 15.7}),
    ("T4", {"fp16": 65.0, "fp32": 8.1}),
]


def peak_flops(device_name: str | None, dtype: str | None) -> float | None:
    """Peak FLOP/s of `device_name` for `dtype` (bf16, fp16, tf32, fp32), or None if unknown."""
    if not device_name or not dtype:
        return None
    for name, peaks in PEAK_TFLOPS:
        if name in device_name:
            tflops = peaks.get(dtype)
            return tflops * 1e12 if tflops else None
    return None


def mfu(params: int | None, tokens_per_s: float | None, peak: float | None, *,
        training: bool) -> float | None:
    """Model FLOPs utilisation in [0, 1]-ish; None when any input is missing."""
    if not params or not tokens_per_s or not peak:
        return None
    return (6 if training else 2) * params * tokens_per_s / peak


def matmul_params(model) -> int:
    """Parameters outside embedding tables (what the 6·N·tokens estimate counts)."""
    import torch

    embedded = {id(p) for m in model.modules() if isinstance(m, torch.nn.Embedding)
                for p in m.parameters(recurse=False)}
    return sum(p.numel() for p in model.parameters() if id(p) not in embedded)


def cpu_peak(dtype: str | None) -> float | None:
    """This CPU's measured matmul peak for fp32 or bf16 (harness.runtimes.cpu_peaks: a short
    probe, cached per machine); None for other dtypes."""
    if dtype not in ("fp32", "bf16"):
        return None
    from harness.runtimes.cpu_peaks import cpu_peaks

    return cpu_peaks()[dtype]


def mfu_timing(model, timing: dict, test, dtype: str | None, cuda: bool) -> dict:
    """MFU of training and of the test pass: on GPU against the datasheet peak, on CPU against
    this CPU's measured matmul peak for the dtype."""
    if cuda:
        from harness.env import device_facts

        peak = peak_flops(device_facts()[1], dtype)
    else:
        peak = cpu_peak(dtype)
    params = matmul_params(model)
    return {"mfu_train": mfu(params, timing.get("train_tokens_per_s"), peak, training=True),
            "mfu_inference": mfu(params, test.tokens_per_s, peak, training=False)}
