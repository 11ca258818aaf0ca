"""`harness export mteb`: a tiny BERT's local STS task exported in the MTEB results layout and
loaded back by mteb's own ResultCache with the record's main score (at mteb's JSON precision:
TaskResult.to_disk rounds every score to 6 decimals); a hub model is named by id and commit;
bad input one line."""

from __future__ import annotations

import json
import random
from types import SimpleNamespace

import pytest
import tiny_models

from harness.cli import main
from harness.exporters.mteb_results import hub_identity
from harness.store.store import ResultsStore


@pytest.fixture(scope="module")
def sts_run(tmp_path_factory, tiny_bert):
    # here, not at module level: importing mteb costs the fast tier 4 s its two tests never use
    pytest.importorskip("mteb", reason="the [embeddings] extra (mteb) is not installed")
    root = tmp_path_factory.mktemp("export")
    texts, labels = tiny_models.english_texts(n=120, seed=2)
    rng = random.Random(0)
    with open(root / "sts.jsonl", "w", encoding="utf-8") as f:
        for _ in range(60):
            a, b = rng.sample(range(len(texts)), 2)
            score = rng.uniform(3, 5) if labels[a] == labels[b] else rng.uniform(0, 2)
            f.write(json.dumps({"sentence1": texts[a], "sentence2": texts[b],
                                "label": round(score, 2)}) + "\n")
    suite = root / "suite.yaml"
    suite.write_text(f"""
name: export-tiny
models: [{{name: tiny, path: {tiny_bert}, max_length: 32}}]
methods:
  - type: mteb
    tasks:
      - {{name: tiny-sts, type: sts, files: {{test: {root}/sts.jsonl}}, text_column: sentence1,
          text_pair_column: sentence2}}
""", encoding="utf-8")
    assert main(["run", str(suite), "--results-dir", str(root / "results")]) == 0
    return root


@pytest.mark.slow  # end to end: an mteb run on a tiny BERT (~5 s)
def test_export_loads_back_with_mteb(sts_run, capsys):
    import mteb

    out = sts_run / "mteb-export"
    capsys.readouterr()
    assert main(["export", "mteb", str(sts_run / "results"), str(out)]) == 0
    (record,) = ResultsStore(sts_run / "results").records()
    folder = out / "results" / "harness__tiny" / record.artifacts["mteb_result"].split("/")[-2]
    assert {p.name for p in folder.iterdir()} == {"tiny-sts.json", "model_meta.json",
                                                  "run_settings.jsonl"}
    assert str(folder / "tiny-sts.json") in capsys.readouterr().out
    loaded = mteb.ResultCache(cache_path=out).load_results(include_remote=False)
    (model,) = loaded.model_results
    (task,) = model.task_results
    assert (model.model_name, task.task_name) == ("harness/tiny", "tiny-sts")
    assert task.get_score() == round(record.metrics["test"]["main_score"], 6)


def test_hub_models_are_named_by_id_and_commit():
    suite = {"models": [{"name": "minilm", "id": "sentence-transformers/all-MiniLM-L6-v2",
                         "revision": "main"}]}
    record = SimpleNamespace(model_name="minilm", model_facts=None, config={"model": {
        "fingerprint": "hub:sentence-transformers/all-MiniLM-L6-v2@c9745ed1d9f207416be6d2e6f8de32d1f16199bf"}})
    assert hub_identity(record, suite) == ("sentence-transformers/all-MiniLM-L6-v2",
                                           "c9745ed1d9f207416be6d2e6f8de32d1f16199bf")
    record.model_facts = SimpleNamespace(resolved_revision="0" * 40)
    assert hub_identity(record, suite)[1] == "0" * 40
    assert hub_identity(SimpleNamespace(model_name="other"), suite) is None


def test_nothing_to_export_is_one_line(tmp_path, capsys):
    assert main(["export", "mteb", str(tmp_path / "missing"), str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "results dir not found" in err[0], err
