"""CPU threading defaults for trial processes, set before torch loads.

OpenMP threads that finish a parallel region spin, waiting for the next one. On a machine whose
cores are shared with other jobs that spinning starves everyone: measured here with 2 torch
threads on 2 busy cores, one tiny-BERT training step took 4.4 s with the default policy and 0.05 s
with OMP_WAIT_POLICY=PASSIVE. `harness run` therefore defaults to PASSIVE; a value already in
the environment wins (set OMP_WAIT_POLICY=ACTIVE on a dedicated machine to compare).
"""

from __future__ import annotations

import os
import sys


def passive_omp_threads() -> bool:
    """Default OMP_WAIT_POLICY to PASSIVE; True if that can still take effect (torch not loaded)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return "torch" not in sys.modules
