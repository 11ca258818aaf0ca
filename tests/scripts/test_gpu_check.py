"""scripts/gpu_check --dry-run: the GPU check's own code path on CPU with tiny sizes (models built
from configs, the MeCab/ipadic Japanese BERT, bf16 and fp32 fine-tunes through `harness run
--jobs 2`, the printed table and bf16-vs-fp32 agreement). About 30 s."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow  # fine-tunes 8 tiny models through `harness run --jobs 2` (~30 s)


def test_gpu_check_dry_run(tmp_path):
    for name in ("fugashi", "ipadic"):
        pytest.importorskip(name, reason=f"the [ja] extra ({name}) is not installed")
    proc = subprocess.run([sys.executable, "scripts/gpu_check", "--dry-run", "--out", str(tmp_path),
                           "--work", str(tmp_path / "work")],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    assert "harness: outcomes: 10 ok" in out  # 2 models × 2 precisions × 2 datasets + 2 baselines
    rows = [ln for ln in out.splitlines() if re.match(r"(base|ja)-(bfloat16|float32) ", ln)]
    assert len(rows) == 8 and sum(" bf16 " in ln for ln in rows) == 4, out
    agreement = re.findall(r"bf16 vs fp32 (\w+) × (\w+): same label on ([\d.]+)% of 40", out)
    assert len(agreement) == 4, out
    assert "gpu_check: done" in out
