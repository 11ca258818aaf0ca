"""The first errors page (docs/getting-started/first-errors.md): the hub-without-network case runs
here (the corpus cases run in tests/suite/test_bad_inputs.py), and the page shows this run's line
(tests/docs/doc_outputs.py)."""

from __future__ import annotations

import os

import pytest
from doc_outputs import check_or_write, shell

pytestmark = pytest.mark.slow  # a `harness run` process (no torch: it stops at the hub check)


def test_hub_model_offline_names_fetch_and_offline_mode(tmp_path):
    (tmp_path / "suite.yaml").write_text(
        "name: s\nmodels:\n  - id: cl-tohoku/bert-base-japanese-v3\ndatasets:\n  - name: d\n"
        "    files: {train: train.csv}\n    label_names: [a, b]\n", encoding="utf-8")
    (tmp_path / "train.csv").write_text("text,label\n" + "x y,a\nz w,b\n" * 10, encoding="utf-8")
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1"}
    env.pop("HF_HUB_CACHE", None)
    try:
        shell("harness run suite.yaml", cwd=tmp_path, env=env)
    except AssertionError as e:  # exit 2 is the point: keep its one line
        failure = str(e)
    else:
        raise AssertionError("harness run offline with an uncached hub model must fail")
    head, out = failure.split(":\n", 1)
    lines = [line for line in out.splitlines() if line.strip()]
    assert head.endswith("exited 2") and len(lines) == 1, failure
    assert "run `harness fetch SUITE` where the hub answers" in lines[0]
    assert "then `HF_HUB_OFFLINE=1 harness run SUITE` needs no network" in lines[0]
    check_or_write("first-errors-hub-offline.txt",
                   lines[0].replace(str(tmp_path / "hf"), "~/.cache/huggingface") + "\n")
