"""Getting started, "Your own CSV with harness init" (docs/getting-started/your-data.md): the
commands run here on the demo's own training file, and the page shows their output and the suite
`init` wrote (tests/docs/doc_outputs.py). `init` reads the file with pandas and validates the suite
it writes: no torch, seconds."""

from __future__ import annotations

import os
import shutil

import pytest
from doc_outputs import REPO, check_or_write, shell

pytestmark = pytest.mark.slow  # `harness init` and `validate` processes (no torch, ~3 s)


def test_init_on_your_own_csv(tmp_path):
    shutil.copyfile(REPO / "suites/data/demo/train.csv", tmp_path / "tickets.csv")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    out = shell("harness init --data tickets.csv --out my-suite.yaml", cwd=tmp_path, env=env)
    assert "my-suite.yaml" in out
    check_or_write("init-output.txt", out)
    suite = (tmp_path / "my-suite.yaml").read_text(encoding="utf-8")
    assert "label_names:" in suite and "tickets.csv" in suite
    check_or_write("init-suite.yaml", suite)
    check_or_write("init-validate.txt", shell("harness validate my-suite.yaml", cwd=tmp_path, env=env))
