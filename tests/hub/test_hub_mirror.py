"""Hub models and datasets through a real hub mirror (olah on 127.0.0.1, tests/hub_mirror.py):
revisions resolved to commits in records, keys and reports; a new commit on one model's `main`
recomputes that model's trials only and compare says why; each file downloaded once per run;
`harness fetch` + an offline run give the online run's metrics; validate checks hub items for real
(one line, exit 2) and offline says what the cache could not answer. Every harness command runs
in a subprocess: huggingface_hub reads HF_ENDPOINT / HF_HUB_OFFLINE when it is imported."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import hub_repos
import pytest
from conftest import REPO

pytestmark = pytest.mark.slow  # olah in a subprocess, every harness command in its own


def harness(env, *args, timeout=300):
    return subprocess.run([sys.executable, "-m", "harness", *map(str, args)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)


SUITE = """
name: hubmove
models:
  - {name: a, id: test-move/bert-a, max_length: 32}
  - {name: b, id: test-move/bert-b, max_length: 32}
datasets:
  - name: sentiment
    hub: {id: test-org/sentiment-ja}
    label_names: [negative, positive]
    validation_size: 0
methods: [finetune, {type: probe, pooling: cls}]
training: {epochs: 1, batch_size: 16, learning_rate: 1.0e-3}
metrics: [accuracy, f1_macro, mcc]
seeds: [1, 2]
"""


@pytest.fixture(scope="module")
def flow(hub_mirror, tmp_path_factory):
    """Night 1 online; fetch into a second HF_HOME and run offline there; a new commit on model
    a's main; night 2 online. Every command's output is kept."""
    work = tmp_path_factory.mktemp("hubmove")
    texts = hub_repos.jp_texts()
    heads = {name: hub_repos.model_repo(hub_mirror.root, f"test-move/bert-{name}", texts,
                                        dic="unidic_lite", seed=i) for i, name in enumerate("ab")}
    suite = work / "suite.yaml"
    suite.write_text(SUITE, encoding="utf-8")
    online = hub_mirror.env(work / "hf-online")
    out = {"heads1": dict(heads)}
    mark = hub_mirror.mark()
    out["night1"] = harness(online, "nightly", suite, "--root", work / "root", "--name", "n1")
    out["downloads1"] = hub_mirror.downloads(mark)
    out["fetch"] = harness(hub_mirror.env(work / "hf-node"), "fetch", suite)
    mark = hub_mirror.mark()
    out["offline"] = harness(hub_mirror.env(work / "hf-node", offline=True), "run", suite,
                             "--results-dir", work / "offline")
    out["offline_requests"] = hub_mirror.requests(mark)
    heads["a"] = hub_repos.model_repo(hub_mirror.root, "test-move/bert-a", texts,
                                      dic="unidic_lite", num_layers=3)  # new weights on main
    out["heads2"] = heads
    mark = hub_mirror.mark()
    out["night2"] = harness(online, "nightly", suite, "--root", work / "root", "--name", "n2")
    out["downloads2"] = hub_mirror.downloads(mark)
    out["root"], out["work"] = work / "root", work
    return out


def _records(path: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in (path / "records").glob("*.json")}


def _run_info(path: Path) -> dict:
    return json.loads(sorted((path / "runs").glob("*.json"))[-1].read_text())


def test_records_name_the_commit_each_revision_resolved_to(flow):
    assert flow["night1"].returncode == 0, flow["night1"].stdout[-2000:] + flow["night1"].stderr
    records = _records(flow["root"] / "n1")
    assert len(records) == 9  # 2 models × (2 seeds × (finetune + probe)) + majority
    for r in records.values():
        if r["model_name"]:
            assert r["model_facts"]["resolved_revision"] == flow["heads1"][r["model_name"]]
            assert r["config"]["model"]["fingerprint"] == \
                f"hub:test-move/bert-{r['model_name']}@{flow['heads1'][r['model_name']]}"
        assert r["config"]["dataset"]["fingerprint"].startswith("hub:test-org/sentiment-ja/@")
    info = _run_info(flow["root"] / "n1")
    resolved = {(h["id"], h["revision"]): h["commit"] for h in info["hub_revisions"]}
    assert resolved[("test-move/bert-a", "main")] == flow["heads1"]["a"]
    a = next(r for k, r in records.items() if k.startswith("a__"))
    print(f"\nrecord resolved_revision {a['model_facts']['resolved_revision']} == repo HEAD "
          f"{flow['heads1']['a']}")


def test_each_file_is_downloaded_once_per_run_whatever_the_trial_count(flow):
    downloads = flow["downloads1"]
    assert max(downloads.values()) == 1, downloads
    # a and b: config, tokenizer_config, vocab, weights; the dataset: README + 2 parquet files
    assert len(downloads) == 11, sorted(downloads)
    hub = re.search(r"harness: hub: .*", flow["night1"].stdout).group(0)
    print(f"\n{hub}\nolah GET /resolve/ per file: {sorted(set(downloads.values()))} "
          f"over {len(downloads)} files, 8 model trials")


def test_fetch_then_offline_run_gives_the_online_metrics_without_the_hub(flow):
    fetch, offline = flow["fetch"], flow["offline"]
    assert fetch.returncode == 0, fetch.stderr
    assert f"test-move/bert-a @ main -> {flow['heads1']['a']}" in fetch.stdout
    assert "prepared: train" in fetch.stdout and "needs no network now" in fetch.stdout
    assert offline.returncode == 0, offline.stdout[-2000:] + offline.stderr
    assert flow["offline_requests"] == []  # the offline run asked the mirror nothing
    online, off = _records(flow["root"] / "n1"), _records(flow["work"] / "offline")
    assert online.keys() == off.keys()  # same commits, same keys
    assert {k: r["metrics"] for k, r in online.items()} == {k: r["metrics"] for k, r in off.items()}
    print("\n" + fetch.stdout + f"offline == online metrics for {len(off)} trials")


def test_new_commit_on_main_recomputes_that_model_only_and_compare_says_why(flow):
    night2 = flow["night2"]
    assert night2.returncode == 0, night2.stdout[-2000:] + night2.stderr
    info = _run_info(flow["root"] / "n2")
    assert (info["computed"], info["reused"]) == (4, 5)  # a's 4 trials; b's 4 and the baseline
    recomputed = {r["model_name"] for r in _records(flow["root"] / "n2").values()
                  if not r["reused_from"]}
    assert recomputed == {"a"}
    old, new = flow["heads1"]["a"][:12], flow["heads2"]["a"][:12]
    rows = json.loads((flow["root"] / "n2" / "comparison.json").read_text())["tables"]["comparison"]
    changed = {r["row"] for r in rows if r["input_change"]}
    assert changed and all(row.startswith("a /") for row in changed), changed
    assert {r["input_change"] for r in rows if r["input_change"]} == \
        {f"model revision change ({old} → {new})"}
    # Only a's new commit came down, each file once; unchanged files (same blob) not even that.
    downloads = flow["downloads2"]
    assert max(downloads.values()) == 1, downloads
    assert all(p.startswith(f"/test-move/bert-a/resolve/{flow['heads2']['a']}/") for p in downloads)
    assert any(p.endswith("/model.safetensors") for p in downloads), downloads
    line = next(ln for ln in (flow["root"] / "n2" / "comparison.md").read_text().splitlines()
                if "a / finetune" in ln and "accuracy" in ln)
    print(f"\n{info['computed']} recomputed, {info['reused']} reused\n{line}")


@pytest.fixture(scope="module")
def odd_models(hub_mirror):
    """Real variants of a cl-tohoku repo: one whose config maps to the repo's own code, one whose
    tokenizer needs the full unidic MeCab dictionary."""
    src = hub_mirror.root / "models" / "cl-tohoku" / "bert-base-japanese-v3"
    for name, edit in (("custom-code", ("config.json", "auto_map",
                                        {"AutoModel": "modeling_custom.CustomBert"})),
                       ("unidic-full", ("tokenizer_config.json", "mecab_kwargs",
                                        {"mecab_dic": "unidic"}))):
        repo = hub_mirror.root / "models" / "test-org" / name
        if repo.exists():
            continue
        shutil.copytree(src, repo, ignore=shutil.ignore_patterns(".git"))
        file, key, value = edit
        cfg = json.loads((repo / file).read_text())
        cfg[key] = value
        (repo / file).write_text(json.dumps(cfg, indent=2))
        if name == "custom-code":
            (repo / "modeling_custom.py").write_text("from transformers import BertModel\n\n\n"
                                                     "class CustomBert(BertModel):\n    pass\n")
        hub_repos.git_commit(repo, name)


def _suite(tmp, name, model="cl-tohoku/bert-base-japanese-v3", model_extra="",
           dataset="{id: test-org/sentiment-ja}", dataset_extra="label_names: [negative, positive]"):
    path = tmp / f"{name}.yaml"
    path.write_text(f"""name: {name}
models:
  - id: {model}{model_extra}
    max_length: 32
datasets:
  - name: d
    hub: {dataset}
    {dataset_extra}
""", encoding="utf-8")
    return path


BAD = {  # suite -> (field in the error line, words of its message)
    "misspelt-id": ({"model": "cl-tohoku/bert-base-japanese-v4"}, "models.0.id",
                    "not found on the hub"),
    "missing-revision": ({"model_extra": "\n    revision: v9"}, "models.0.revision",
                         "revision 'v9' not found"),
    "wrong-config": ({"dataset": "{id: mteb/AmazonReviewsClassification, config: jp}",
                      "dataset_extra": "label_names: [a, b, c, d, e]"}, "datasets.0.hub.config",
                     "config 'jp' is not in hub dataset mteb/AmazonReviewsClassification (configs: "
                     "ja, en)"),
    "missing-split": ({"dataset": "{id: test-org/sentiment-ja, splits: {train: train, test: dev}}"},
                      "datasets.0.hub.splits", "has splits"),
    "missing-column": ({"dataset_extra": "label_names: [negative, positive]\n    text_column: review"},
                       "datasets.0.text_column", "column 'review' not in"),
    "classlabel-order": ({"dataset_extra": "label_names: [positive, negative]"},
                         "datasets.0.label_names", "ClassLabel names ['negative', 'positive'] differ"),
    "label-ids": ({"dataset": "{id: mteb/AmazonReviewsClassification, config: ja}",
                   "dataset_extra": "label_names: [bad, good]"}, "datasets.0.label_names",
                  "outside 0..1"),
    "remote-code": ({"model": "test-org/custom-code"}, "models.0.trust_remote_code",
                    "auto_map: modeling_custom.CustomBert"),
    "mecab-dict": ({"model": "test-org/unidic-full"}, "models.0.id",
                   "needs the MeCab dictionary unidic"),
}


def test_validate_checks_hub_items_one_line_each(hub_mirror, odd_models, tmp_path):
    cases = dict(BAD)
    if importlib.util.find_spec("unidic") is not None:
        cases.pop("mecab-dict")  # the full unidic is installed here: nothing to report
    paths = {name: _suite(tmp_path, name, **kwargs) for name, (kwargs, _, _) in cases.items()}
    proc = harness(hub_mirror.env(tmp_path / "hf"), "validate", *paths.values())
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("harness: error: ")]
    for name, (_, field, words) in cases.items():
        mine = [ln for ln in lines if ln.startswith(f"harness: error: {paths[name]}:")]
        assert len(mine) == 1, (name, mine, proc.stderr)
        assert re.match(rf"harness: error: {re.escape(str(paths[name]))}:\d+: {re.escape(field)}: ",
                        mine[0]) and words in mine[0], (name, mine[0])
    assert len(lines) == len(cases), proc.stderr
    print("\n" + "\n".join(ln for ln in lines if "misspelt-id" in ln or "wrong-config" in ln))


def test_validate_online_offline_and_an_offline_run_without_the_cache(hub_mirror, tmp_path):
    suite = _suite(tmp_path, "good")
    head = hub_mirror.heads["cl-tohoku/bert-base-japanese-v3"][:12]
    online = harness(hub_mirror.env(tmp_path / "hf"), "validate", suite)
    assert online.returncode == 0, online.stderr
    assert f"hub cl-tohoku/bert-base-japanese-v3 @ main -> {head} (hub)" in online.stdout
    assert re.search(r"ok +dataset d: inferred task classification: 2 labels \(negative, positive\); train 35, test 20, "
                     r"validation 5; metrics [^;]+; hub test-org/sentiment-ja @ main -> [0-9a-f]{12} \(hub\)",
                     online.stdout), online.stdout
    cached = harness(hub_mirror.env(tmp_path / "hf", offline=True), "validate", suite)
    assert cached.returncode == 0, cached.stderr
    assert f"@ main -> {head} (HF cache)" in cached.stdout and "not checked" not in cached.stdout
    empty = hub_mirror.env(tmp_path / "empty", offline=True)
    bare = harness(empty, "validate", suite)
    assert bare.returncode == 0, bare.stderr
    not_checked = [ln for ln in bare.stdout.splitlines() if ln.startswith("  not checked")]
    assert len(not_checked) == 2 and all("run `harness fetch SUITE`" in ln for ln in not_checked)
    run = harness(empty, "run", suite, "--results-dir", tmp_path / "results")
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert not (tmp_path / "results" / "records").exists()
    print("\n" + online.stdout + bare.stdout + run.stderr)
