"""suites/jp.yaml itself, end to end, against a real hub mirror (olah on 127.0.0.1): tiny BERTs
with the real MeCab tokenizers under its cl-tohoku ids, its review set as a parquet repo, its
JNLI/JCoLA files generated in their own formats under ${HARNESS_DATA}, and MTEB's JSTS/JSICK data
as HF cache entries at the commits mteb pins. Sizes shrink through HARNESS_SUITE_OVERRIDES
(seeds, schedulers, epochs, max_length), not a second suite.

What stays uncovered: the mirror cannot serve mteb's pinned commits (a git repo cannot reproduce
a hub commit sha), so downloading MTEB task data from the hub is not exercised; loading it from
the HF cache at the pinned commit is, with the same code path as after `harness fetch`."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import hub_repos
import pytest
from conftest import REPO

pytestmark = pytest.mark.slow  # jp.yaml end to end: trains tiny models (~1 min)
SMALL = json.dumps({"seeds": [1], "training.epochs": 1,
                    "training.lr_scheduler_type": ["linear", "cosine"],
                    "training.lr_scheduler_kwargs": {}, "models.*.max_length": 32})


def test_jp_suite_runs_end_to_end_on_the_hub_mirror(hub_mirror, tmp_path):
    pytest.importorskip("mteb", reason="the [embeddings] extra (mteb) is not installed")
    hf_home = tmp_path / "hf"
    hub_repos.seed_mteb_cache(hf_home / "hub")
    data = hub_repos.write_jp_data(tmp_path / "data")
    out = tmp_path / "results"
    env = hub_mirror.env(hf_home, HARNESS_DATA=data, HARNESS_SUITE_OVERRIDES=SMALL)
    mark = hub_mirror.mark()
    proc = subprocess.run([sys.executable, "-m", "harness", "run", "suites/jp.yaml",
                           "--results-dir", str(out)], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    records = [json.loads(p.read_text()) for p in (out / "records").glob("*.json")]
    # 2 models × 3 datasets × (2 schedulers + 2 probe poolings) + 3 baselines + 2 models × 2 tasks
    # + 3 datasets × 2 tfidf feature sets
    assert len(records) == 37 and all(r["status"] == "ok" for r in records), \
        [(r["trial_id"], r["error"]) for r in records if r["status"] != "ok"]
    methods = {r["method"] for r in records}
    assert methods == {"finetune", "probe", "mteb", "majority", "tfidf"}
    for r in records:
        if r["model_name"]:
            repo = {"bert-base-japanese-v3": "cl-tohoku/bert-base-japanese-v3",
                    "bert-base-japanese-wwm": "cl-tohoku/bert-base-japanese-whole-word-masking"}
            assert r["model_facts"]["resolved_revision"] == hub_mirror.heads[repo[r["model_name"]]]
    board = (out / "leaderboard.md").read_text(encoding="utf-8")
    for table in ("## jp: leaderboard", "## jp: f1_macro by lr scheduler",
                  "## jp: quality and cost", "## MTEB tasks: main score"):
        assert table in board, table
    assert "probe (pooler, logistic_regression" in board and "probe (cls, logistic_regression" in board
    assert "tfidf (char 1-3)" in board and "tfidf (mecab 1-2)" in board
    commits = {name: commit[:12] for name, (_, commit, _) in hub_repos.MTEB_PINNED.items()}
    assert f"JSTS hub:mteb/JSTS@{commits['JSTS']}" in board  # the footer names every commit
    assert f"hub:mteb/AmazonReviewsClassification/ja@" \
           f"{hub_mirror.heads['mteb/AmazonReviewsClassification'][:12]}" in board
    # Each file came down once, however many trials read it; the hub's share of the run's time.
    downloads = hub_mirror.downloads(mark)
    assert downloads and max(downloads.values()) == 1, downloads
    hub = re.search(r"harness: hub: .*", proc.stdout).group(0)
    print(hub, f"({len(downloads)} files)")
