"""The tutorial "Compare two Japanese encoders and publish the table" (docs/tutorials/
compare-encoders.md), end to end: its commands, as the page shows them, against a hub mirror (olah
on 127.0.0.1) serving tiny BERTs with the real MeCab tokenizers under the cl-tohoku ids and the
review set as a parquet repo; JNLI files generated in JGLUE's format under ${HARNESS_DATA}. The
printed outputs and the published markdown in the page come from this run (tests/docs/
doc_outputs.py); HARNESS_SUITE_OVERRIDES shrinks epochs, seeds and max_length (its notice is left
out of the page, which says so)."""

from __future__ import annotations

import json

import hub_repos
import pytest
from doc_outputs import REPO, check_or_write, shell

pytestmark = pytest.mark.slow  # trains tiny models through a hub mirror (~1 min)
SUITE = "docs/suites/ja-encoders.yaml"
SMALL = json.dumps({"seeds": [1, 2], "training.epochs": 1, "training.batch_size": 16,
                    "models.*.max_length": 32})


def test_compare_encoders_tutorial(hub_mirror, tmp_path):
    hf_home, work = tmp_path / "hf", tmp_path / "work"
    work.mkdir()
    (work / "docs").symlink_to(REPO / "docs")  # the page's relative paths, from a scratch dir
    data = hub_repos.write_jp_data(tmp_path / "data")
    online = hub_mirror.env(hf_home, HARNESS_DATA=data, HARNESS_SUITE_OVERRIDES=SMALL)
    replace = {str(hf_home): "~/.cache/huggingface", str(data): "/data/shared",
               str(work) + "/": "", hub_mirror.endpoint: "https://huggingface.co"}
    drop = ("harness: warning: HARNESS_SUITE_OVERRIDES",)

    def run(command, env=online):
        return shell(command, cwd=work, env=env, replace=replace, drop=drop)

    check_or_write("ja-encoders-validate.txt", run(f"harness validate {SUITE}"))
    check_or_write("ja-encoders-fetch.txt", run(f"harness fetch {SUITE}"))
    offline = {**online, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
               "HF_DATASETS_OFFLINE": "1"}
    out = run(f"harness run {SUITE}", env=offline)
    check_or_write("ja-encoders-run.txt", out)
    records = [json.loads(p.read_text()) for p in (work / "results/ja-encoders/records").glob("*.json")]
    # 2 models × 2 datasets × 2 learning rates × 2 seeds + 2 datasets × 2 tfidf seeds + 2 majority
    assert len(records) == 22 and all(r["status"] == "ok" for r in records)
    commits = {r["model_facts"]["resolved_revision"] for r in records if r["model_name"]}
    assert commits == {hub_mirror.heads["cl-tohoku/bert-base-japanese-v3"],
                       hub_mirror.heads["cl-tohoku/bert-base-japanese-whole-word-masking"]}
    check_or_write("ja-encoders-blog-command.txt",
                   run("harness report results/ja-encoders --for blog", env=offline))
    blog = (work / "results/ja-encoders/blog.md").read_text(encoding="utf-8")
    assert "| bert-base-japanese-v3 " in blog and "selected" in blog  # the configuration chosen
    check_or_write("ja-encoders-blog.md", blog)
