"""This CPU's own matmul peak, fp32 and bf16, measured once per machine and cached: the CPU
entry of the peak table MFU divides by (harness.methods.finetune.peak_flops), and the factor
the report quotes when bf16 would have been faster than the fp32 a CPU trial ran in.

The probe: a 1024² × 1024² matmul, 2 warm-up and 5 timed repetitions per dtype at the trial's
torch thread count (best of the 5: a peak, not a mean); about a second. Cached as JSON under
$HARNESS_CACHE or ~/.cache/harness (cpu-peaks.json), keyed by CPU model, matrix features,
threads and torch version; the report reads the cache and never runs the probe.

Each entry records how busy the machine was when it was measured: the cores other processes
used over a quarter second just before (harness.cpu.busy_cores, the sample harness.cpu trusts;
not the load average, whose minute-long memory counts a run that has just ended) and the
1-minute load average beside it. An entry measured while other processes used half the cores or
more (`under_load`) understates the peak: it is measured again, once per process, whenever it is
asked for, keeping the higher peak per dtype, until a measurement on a quiet machine replaces
it; the report's note says when the factor it quotes came from a busy machine."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from harness.cpu import BUSY_SHARE, busy_cores
from harness.cpu_features import cpu_facts

N, WARMUP, REPEATS = 1024, 2, 5


def cache_file() -> Path:
    root = os.environ.get("HARNESS_CACHE")
    return (Path(root) if root else Path.home() / ".cache" / "harness") / "cpu-peaks.json"


def machine_key(threads: int, torch_version: str) -> str:
    model, features = cpu_facts()
    return f"{model}|{','.join(features or [])}|threads={threads}|torch={torch_version}"


def read_cache() -> dict:
    try:
        return json.loads(cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def measure(threads: int) -> dict[str, float]:
    """{fp32: FLOP/s, bf16: FLOP/s} of the probe on `threads` threads."""
    import torch

    out = {}
    for name, dtype in (("fp32", torch.float32), ("bf16", torch.bfloat16)):
        a = torch.randn(N, N, dtype=dtype)
        b = torch.randn(N, N, dtype=dtype)
        for _ in range(WARMUP):
            a @ b
        best = float("inf")
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            a @ b
            best = min(best, time.perf_counter() - t0)
        out[name] = 2 * N ** 3 / best
    return out


_REMEASURED: set[str] = set()  # keys measured again in this process (once each)


def load_now() -> dict:
    """How busy the machine is: cores other processes use (sampled), the 1-minute load average,
    the cores, and whether that is `under_load` (half the cores or more in use)."""
    cores = os.cpu_count() or 1
    busy = busy_cores()
    return {"busy_cores": round(busy, 2), "load_1m": round(os.getloadavg()[0], 2),
            "cores": cores, "under_load": busy >= BUSY_SHARE * cores}


def cpu_peaks() -> dict:
    """{fp32, bf16 (FLOP/s), threads, key, measured_at, load}, measured on first use per
    machine, and again (once per process) while the cached entry was measured under load."""
    import torch

    threads = torch.get_num_threads()
    key = machine_key(threads, torch.__version__)
    cached = read_cache().get(key)
    if cached is not None and not (cached.get("load") or {}).get("under_load", True):
        return cached
    if cached is not None and key in _REMEASURED:
        return cached
    from harness.store.files import atomic_write_json

    _REMEASURED.add(key)
    load = load_now()
    entry = {**measure(threads), "threads": threads, "key": key,
             "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "load": load}
    if cached is not None and load["under_load"]:  # both busy: the higher peak stands
        entry.update({d: max(entry[d], cached.get(d, 0.0)) for d in ("fp32", "bf16")})
    atomic_write_json(cache_file(), {**read_cache(), key: entry})
    return entry


def bf16_factor(model: str | None, features: list[str] | None) -> tuple[float, dict] | None:
    """(bf16 ÷ fp32 peak, the entry) of the cached probe of the CPU the records name (any
    thread count: the largest), None when it never ran on such a CPU here. No torch."""
    prefix = f"{model}|{','.join(features or [])}|"
    found = [e for k, e in read_cache().items() if k.startswith(prefix)]
    if not model or not found:
        return None
    entry = max(found, key=lambda e: e.get("threads", 0))
    return entry["bf16"] / entry["fp32"], entry


def bf16_note(records) -> list[str]:
    """A report note when CPU trials ran in fp32 on a CPU whose measured bf16 matmul peak is
    higher (dtype auto stays fp32 on CPU: results must not change with the machine)."""
    fp32 = [r for r in records if r.environment.device == "cpu" and r.model_name
            and r.environment.precision in ("float32", "fp32") and r.runtime is None]
    if not fp32:
        return []
    env = fp32[0].environment
    found = bf16_factor(env.cpu_model, env.cpu_features)
    if found is None or found[0] <= 1.0:
        return []
    factor, entry = found
    load = entry.get("load") or {}
    busy = ("; measured while the machine was busy (other processes used "
            f"{load['busy_cores']:.1f} of {load['cores']} cores, load average {load['load_1m']:.1f})"
            ": the figures understate this CPU, measure again on a quiet machine"
            if load.get("under_load") else
            "; measured with no load figure recorded (an older cache entry)" if not load else "")
    return [f"bf16 on this CPU ({env.cpu_model}; {', '.join(env.cpu_features or [])}): a "
            f"{N}² matmul measured {entry['bf16'] / 1e9:,.0f} GFLOP/s in bf16 against "
            f"{entry['fp32'] / 1e9:,.0f} in fp32 (×{factor:.2f}, {entry['threads']} threads"
            f"{busy}): these fp32 trials (dtype auto = fp32 on CPU) would likely have run faster "
            "with dtype bfloat16 or the torch-bf16 / openvino-bf16 runtimes (docs/runtimes.md)"]
