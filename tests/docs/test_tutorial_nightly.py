"""The tutorial "A nightly leaderboard in CI" (docs/tutorials/nightly-ci.md): two nights of
docs/suites/nightly.yaml under one history root, then history and compare, as the page shows them.
A tiny BERT stands in for MiniLM (HARNESS_SUITE_OVERRIDES: the model's path, 1 epoch, 2 seeds, the
accuracy floor 0.1 instead of 0.5; its notice is left out of the page, which says so); the page's output blocks come from this run."""

from __future__ import annotations

import json
import os

import pytest
from doc_outputs import REPO, check_or_write, shell

pytestmark = pytest.mark.slow  # trains tiny models (~20 s)
SUITE = "docs/suites/nightly.yaml"


def test_nightly_tutorial(tmp_path, tiny_bert):
    (tmp_path / "docs").symlink_to(REPO / "docs")
    small = {"models": [{"name": "all-MiniLM-L6-v2", "path": str(tiny_bert), "max_length": 32}],
             "training.epochs": 1, "training.learning_rate": 3.0e-3, "seeds": [1, 2],
             "gate.rules.1.floor": 0.1}  # a tiny BERT stays near the majority's 0.2
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HARNESS_CACHE": str(tmp_path / "cache"),
           "HARNESS_SUITE_OVERRIDES": json.dumps(small)}
    replace = {str(tmp_path) + "/": "", str(tiny_bert): "<tiny model>"}
    drop = ("harness: warning: HARNESS_SUITE_OVERRIDES",)

    def run(command):
        return shell(command, cwd=tmp_path, env=env, replace=replace, drop=drop)

    first = run(f"harness nightly {SUITE} --root history")
    check_or_write("nightly-first.txt", first)
    second = run(f"harness nightly {SUITE} --root history")
    check_or_write("nightly-second.txt", second)
    nights = sorted(p.name for p in (tmp_path / "history").iterdir() if p.is_dir())
    assert len(nights) == 2, nights
    summary = (tmp_path / "history" / nights[1] / "summary.md").read_text(encoding="utf-8")
    assert "reused" in summary
    check_or_write("nightly-summary.md", summary.replace(str(tmp_path) + "/", ""))
    check_or_write("nightly-history.txt", run("harness history history --metric f1_macro"))
    check_or_write("nightly-compare.txt",
                   run(f"harness compare history/{nights[0]} history/{nights[1]} --format md"))
    check_or_write("nightly-gate.txt", run(f"harness gate history/{nights[0]} history/{nights[1]}"))
