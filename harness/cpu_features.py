"""The CPU's matrix features, read from /proc/cpuinfo (Linux; None elsewhere): what decides
whether bf16 or int8 inference is faster than fp32 on this machine. Records name them
(Environment.cpu_features); validate and inspect say which runtimes they accelerate. No torch."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

# /proc/cpuinfo flag -> the name records and reports use; most specific first
FLAGS = (
    ("amx_bf16", "AMX-BF16"),
    ("amx_int8", "AMX-INT8"),
    ("avx512_bf16", "AVX-512 BF16"),
    ("avx512_vnni", "AVX-512 VNNI"),
    ("avx_vnni", "AVX-VNNI"),
    ("avx512f", "AVX-512F"),
    ("avx2", "AVX2"),
)
CPUINFO = Path("/proc/cpuinfo")


def parse_cpuinfo(text: str) -> tuple[str | None, list[str]]:
    """(model name, matrix features) of the first processor block of a /proc/cpuinfo text."""
    model, flags = None, set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and model is None:
            model = value.strip()
        elif key == "flags" and not flags:
            flags = set(value.split())
    return model, [name for flag, name in FLAGS if flag in flags]


@lru_cache(maxsize=1)
def cpu_facts() -> tuple[str | None, list[str] | None]:
    """(CPU model name, its matrix features), or (None, None) where /proc/cpuinfo is absent."""
    try:
        text = CPUINFO.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None, None
    model, features = parse_cpuinfo(text)
    return model, list(features)


def describe(features: list[str] | None) -> str:
    """'AVX-512 BF16, AVX-512 VNNI, AVX-512F, AVX2 (no AMX)' for a line of validate/inspect."""
    if features is None:
        return "unknown (no /proc/cpuinfo)"
    if not features:
        return "none of AMX, AVX-512, AVX-VNNI, AVX2"
    amx = any(f.startswith("AMX") for f in features)
    return ", ".join(features) + ("" if amx else " (no AMX)")
