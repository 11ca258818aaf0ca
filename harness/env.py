"""Facts about the machine and software a trial ran on (for records and report footers)."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from harness import __version__
from harness.cpu_features import cpu_facts
from harness.fingerprint import package_versions
from harness.store.record import Environment

RECORD_PACKAGES = ("torch", "transformers", "datasets", "accelerate", "scikit-learn", "tokenizers",
                   "numpy", "pandas", "fugashi", "unidic-lite", "ipadic")


def repo_root() -> Path:
    """The checkout this package runs from (editable install), else the working directory."""
    here = Path(__file__).resolve().parents[1]
    return here if (here / "pyproject.toml").is_file() else Path.cwd()


@lru_cache(maxsize=1)
def git_sha() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo_root(), capture_output=True,
                             text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    sha = out.stdout.strip()
    return sha if out.returncode == 0 and sha else None


@lru_cache(maxsize=1)
def git_dirty() -> bool | None:
    """True when tracked files differ from HEAD: the sha alone would not reproduce the run."""
    try:
        out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                             cwd=repo_root(), capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(out.stdout.strip()) if out.returncode == 0 else None


def device_facts() -> tuple[str, str | None]:
    """(device, device name); imports torch, so only trial code calls it."""
    import torch

    if torch.cuda.is_available():
        return "cuda", torch.cuda.get_device_name(0)
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "mps", "Apple MPS"
    return "cpu", platform.processor() or platform.machine()


def environment(precision: str | None = None, with_device: bool = True,
                allocator: str | None = None) -> Environment:
    device, name = device_facts() if with_device else ("cpu", None)
    return Environment(
        python=sys.version.split()[0], platform=platform.platform(), harness=__version__,
        packages=package_versions(RECORD_PACKAGES), device=device, device_name=name,
        precision=precision, git_sha=git_sha(), git_dirty=git_dirty(), hostname=socket.gethostname(),
        cpu_count=os.cpu_count(), torch_threads=_torch_threads(),
        omp_wait_policy=os.environ.get("OMP_WAIT_POLICY", "default"), cpu_allocator=allocator,
        cpu_model=cpu_facts()[0], cpu_features=cpu_facts()[1])


def _torch_threads() -> int | None:
    torch = sys.modules.get("torch")  # never imported here just to ask
    return torch.get_num_threads() if torch is not None else None
