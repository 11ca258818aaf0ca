"""harness.cpu: PASSIVE OpenMP waiting only where the machine is busy; the environment wins;
glibc keeps freed memory inside keep_freed_memory and gives it back after."""

import os
import sys

import pytest

from harness import cpu


@pytest.fixture
def no_torch(monkeypatch):
    monkeypatch.delitem(sys.modules, "torch", raising=False)  # restored after the test
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)


@pytest.mark.parametrize("busy, expected", [(0.1, "default"), (0.9, "default"), (1.0, "PASSIVE"),
                                            (2.0, "PASSIVE")])
def test_policy_follows_busy_cores(no_torch, monkeypatch, busy, expected):
    monkeypatch.setattr(cpu.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(cpu, "busy_cores", lambda: busy)
    assert cpu.choose_omp_wait_policy() == expected
    assert cpu.os.environ.get("OMP_WAIT_POLICY", "default") == expected


def test_environment_wins(no_torch, monkeypatch):
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    monkeypatch.setattr(cpu, "busy_cores", lambda: 99.0)
    assert cpu.choose_omp_wait_policy() == "ACTIVE"


def test_too_late_once_torch_is_loaded(monkeypatch):
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    monkeypatch.setitem(sys.modules, "torch", object())
    monkeypatch.setattr(cpu, "busy_cores", lambda: 99.0)
    assert cpu.choose_omp_wait_policy() == "default"  # OpenMP already read its environment


def test_busy_cores_sees_a_spinning_process():
    """The sample reflects what runs now: one spinning process is about one busy core."""
    import multiprocessing as mp

    idle = cpu.busy_cores(0.3)
    cores = os.cpu_count() or 1
    if idle > cores - 0.7:
        pytest.skip(f"the machine is already busy ({idle:.1f} of {cores} cores): one more "
                    "spinning process cannot show in the sample")
    spinner = mp.get_context("spawn").Process(target=_spin, args=(3.0,))
    spinner.start()
    try:
        cpu.busy_cores(0.5)  # the child's start-up
        busy = cpu.busy_cores(0.5)
    finally:
        spinner.terminate()
        spinner.join()
    assert busy >= 0.7 and busy >= idle + 0.5, (idle, busy)


def _spin(seconds: float) -> None:
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def _mallinfo2():
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost")]

    libc = cpu._glibc()
    if libc is None or not hasattr(libc, "mallinfo2"):
        pytest.skip("needs glibc >= 2.33 (mallinfo2) to observe the allocator")
    libc.mallinfo2.restype = MallInfo2
    return libc.mallinfo2


def _mmapped_after_alloc(mallinfo2, nbytes: int) -> int:
    import numpy as np

    before = mallinfo2().hblkhd
    block = np.ones(nbytes, dtype=np.uint8)  # touched: a real allocation
    grown = mallinfo2().hblkhd - before
    del block
    return grown


def test_keep_freed_memory_serves_big_blocks_from_the_heap():
    """A 64 MB block (above glibc's 32 MB mmap ceiling) is mmapped by default, comes from the
    heap inside the block, and the defaults return after it."""
    import psutil

    mallinfo2, size, process = _mallinfo2(), 64 * 2**20, psutil.Process()
    assert _mmapped_after_alloc(mallinfo2, size) >= size
    with cpu.keep_freed_memory() as policy:
        assert policy == "keep-freed"
        assert _mmapped_after_alloc(mallinfo2, size) == 0
        heap = mallinfo2().arena
        assert _mmapped_after_alloc(mallinfo2, size) == 0
        assert mallinfo2().arena == heap  # the freed block was reused, not grown again
        kept = process.memory_info().rss  # the freed 64 MB is still resident
    assert kept - process.memory_info().rss >= size // 2  # trimmed: the kept memory went back
    assert _mmapped_after_alloc(mallinfo2, size) >= size


def test_keep_freed_memory_inactive_is_default():
    with cpu.keep_freed_memory(active=False) as policy:
        assert policy == "default"
