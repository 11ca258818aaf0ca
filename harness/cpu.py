"""CPU settings of trial processes: the OpenMP wait policy (chosen before torch loads) and
glibc's handling of freed memory during training (keep_freed_memory).

OpenMP threads that finish a parallel region spin, waiting for the next one. On a dedicated
machine that is what makes back-to-back small ops fast; on cores shared with other jobs the
spinning starves everyone. Measured here (2 cores, MiniLM, batch 16 × 14 tokens, one training
step with AdamW): idle machine, default policy 206 ms vs OMP_WAIT_POLICY=PASSIVE 275–314 ms;
busy machine, one tiny-BERT step 4.4 s with the default policy vs 0.05 s with PASSIVE.
So `harness run` keeps the default where the machine is idle (other processes use less than
half its cores, sampled for a quarter second) and sets PASSIVE where it is busy; a value already
in the environment always wins. Not the load average: its minute-long memory counts a run that has
just finished as load, and a `harness run` started right after another then trained under PASSIVE
(measured: MiniLM fine-tune 35 s vs 25 s). Worker processes of `--jobs N` share the cores by
design and always use PASSIVE.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

BUSY_SHARE = 0.5  # of the cores
SAMPLE_S = 0.25


def busy_cores(interval: float = SAMPLE_S) -> float:
    """Cores in use by the machine's processes over the next `interval` seconds (this process
    sleeps meanwhile)."""
    import psutil

    return psutil.cpu_percent(interval=interval) / 100 * (os.cpu_count() or 1)


def machine_busy() -> bool:
    return busy_cores() >= BUSY_SHARE * (os.cpu_count() or 1)


def choose_omp_wait_policy() -> str:
    """Set OMP_WAIT_POLICY=PASSIVE when the machine is busy (unless the environment sets a
    policy); return the policy in force ('default' when OpenMP's own is kept). Effective only
    before torch loads."""
    if "OMP_WAIT_POLICY" not in os.environ and "torch" not in sys.modules and machine_busy():
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    return os.environ.get("OMP_WAIT_POLICY", "default")


# glibc mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4
_GLIBC_MMAP_MAX, _GLIBC_TRIM_THRESHOLD = 65536, 128 * 1024  # glibc's defaults
_KEEP_TRIM_THRESHOLD = 1 << 30


@lru_cache(maxsize=1)  # find_library runs ldconfig: once per process
def _glibc():
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:  # musl and friends: no glibc allocator to tune
        return None


@contextmanager
def keep_freed_memory(active: bool = True) -> Iterator[str]:
    """Within the block, glibc keeps memory that is freed for the next allocation instead of
    handing it back to the kernel; after it, the defaults return and free memory is trimmed.

    Why: glibc serves every allocation above its mmap threshold (at most 32 MB) with a fresh
    mmap and unmaps it on free, so each training step's dense word-embedding gradient (30,522 ×
    384 floats = 47 MB for MiniLM, ~94 MB for a BERT-base vocabulary) is faulted in page by page
    again. Measured here (2-core VM): `torch.zeros(30522, 384)` 20.8 ms fresh vs 1.7 ms from kept
    memory; a MiniLM training step (batch 16 × 14 tokens) 262–273 ms vs 205–237 ms. The trim at
    the end keeps the next trial's peak-RSS figure its own. Yields the policy for the record:
    'keep-freed', or 'default' (inactive, or no glibc)."""
    libc = _glibc() if active else None
    if libc is None or not libc.mallopt(_M_MMAP_MAX, 0):
        yield "default"
        return
    libc.mallopt(_M_TRIM_THRESHOLD, _KEEP_TRIM_THRESHOLD)
    try:
        yield "keep-freed"
    finally:
        libc.mallopt(_M_MMAP_MAX, _GLIBC_MMAP_MAX)
        libc.mallopt(_M_TRIM_THRESHOLD, _GLIBC_TRIM_THRESHOLD)
        libc.malloc_trim(0)
