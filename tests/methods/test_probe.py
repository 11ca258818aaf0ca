"""probe: frozen tiny BERT features + classifiers; every pooling, the on-disk embedding cache,
row order, the pooler check, plan expansion and keys."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import tiny_suite

from harness.cli import main
from harness.plan.trials import build_plan
from harness.store.store import ResultsStore
from harness.suite.loader import load_suite

PROBE = """methods:
  - finetune
  - type: probe
    pooling: [cls, mean, pooler]
    classifiers: [logistic_regression, {name: knn, n_neighbors: 3}]
    batch_size: 8
"""


def probe_suite(model, data, *, methods=PROBE, seeds=(1, 2)):
    text = tiny_suite(model, data, seeds=seeds, epochs=1)
    return text + methods


@pytest.fixture(scope="module")
def probe_run(tmp_path_factory, tiny_bert, english_data):
    root = tmp_path_factory.mktemp("probe")
    suite = root / "suite.yaml"
    suite.write_text(probe_suite(tiny_bert, english_data,
                                 methods=PROBE.replace("  - finetune\n", "")), encoding="utf-8")
    code = main(["run", str(suite), "--results-dir", str(root / "results")])
    return code, suite, root / "results"


def test_plan_expands_pooling_classifier_seed_and_keeps_finetune_keys(write_suite, tiny_bert,
                                                                        english_data):
    plain = build_plan(load_suite(write_suite(tiny_suite(tiny_bert, english_data, seeds=(1, 2),
                                                         epochs=1), "a.yaml")).suite)
    both = build_plan(load_suite(write_suite(probe_suite(tiny_bert, english_data), "b.yaml")).suite)
    probes = [t for t in both if t.method == "probe"]
    assert len(probes) == 3 * 2 * 2  # pooling × classifier × seed; no scheduler axis
    assert all(t.scheduler is None for t in probes)
    assert len({t.key for t in both}) == len(both) and len({t.trial_id for t in both}) == len(both)
    assert {t.key for t in plain} <= {t.key for t in both}  # adding probe changes no finetune key
    knn = next(t for t in probes if "knn" in t.trial_id)
    assert knn.key_material["method"]["classifier"] == {"name": "knn", "n_neighbors": 3,
                                                       "metric": "cosine", "weights": "uniform"}
    assert "mean, knn n_neighbors=3" in " ".join(t.label for t in probes)


@pytest.mark.slow  # end to end: probe runs
def test_probe_run_all_poolings_and_cache(probe_run, english_data):
    code, _, results = probe_run
    assert code == 0
    records = [r for r in ResultsStore(results).records() if r.method == "probe"]
    assert len(records) == 12 and all(r.status == "ok" for r in records), \
        [r.error for r in records if r.error]
    baseline = next(r for r in ResultsStore(results).records() if r.method == "majority")
    for r in records:
        assert set(r.metrics) == {"validation", "test"}
        assert set(r.metrics["test"]) == {"accuracy", "f1_macro", "mcc"}
        assert r.embedding.task_type == "classification" and r.embedding.eval_split == "test"
        assert r.artifacts["predictions"].endswith(".npz")
        with np.load(results / r.artifacts["predictions"]) as arrays:
            assert len(arrays["predictions"]) == 60
    # Mean-pooled features of a random tiny BERT still separate these topics.
    mean_lr = [r for r in records if r.embedding.pooling == "mean"
               and r.embedding.classifier == "logistic_regression"]
    assert all(r.metrics["test"]["accuracy"] > baseline.metrics["test"]["accuracy"] + 0.2
               for r in mean_lr), [r.metrics for r in mean_lr]
    # One computation per (pooling, split); every other trial of that pooling read the cache.
    files = sorted((results / "cache" / "embeddings").glob("*.npy"))
    assert len(files) == 3 * 3  # 3 poolings × train/validation/test
    for pooling in ("cls", "mean", "pooler"):
        group = [r for r in records if r.embedding.pooling == pooling]
        hits = [r.cache_hits["embeddings"] for r in group]
        assert hits.count(False) == 1 and hits.count(True) == 3, (pooling, hits)
    # Different poolings give different features.
    arrays = {tuple(np.load(f)[0, :3].round(5)) for f in files}
    assert len(arrays) == 9


@pytest.mark.slow  # end to end: probe runs
def test_leaderboard_shows_probe_variants(probe_run, capsys):
    _, _, results = probe_run
    assert main(["report", str(results), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["tables"]["leaderboard"]
    methods = {r["method"] for r in rows}
    assert "probe (mean, logistic_regression)" in methods
    assert "probe (pooler, knn n_neighbors=3)" in methods
    assert all(r["n"] == 2 for r in rows if r["method"].startswith("probe"))


@pytest.mark.slow  # end to end: probe runs
def test_second_run_recomputes_nothing(probe_run):
    _, suite, results = probe_run
    before = {p: p.stat().st_mtime_ns for p in (results / "cache" / "embeddings").glob("*.npy")}
    suite_text = suite.read_text(encoding="utf-8").replace("seeds: [1, 2]", "seeds: [3]")
    other = suite.with_name("seed3.yaml")
    other.write_text(suite_text, encoding="utf-8")
    assert main(["run", str(other), "--results-dir", str(results)]) == 0
    new = [r for r in ResultsStore(results).records() if r.method == "probe" and r.seed == 3]
    assert len(new) == 6 and all(r.cache_hits["embeddings"] for r in new)
    after = {p: p.stat().st_mtime_ns for p in (results / "cache" / "embeddings").glob("*.npy")}
    assert after == before


def test_embeddings_keep_row_order_and_ignore_padding(tiny_bert):
    from transformers import AutoTokenizer

    from harness.methods.probe.extract import embed, load_encoder

    model = load_encoder(str(tiny_bert))
    tok = AutoTokenizer.from_pretrained(str(tiny_bert))
    texts = ["rain", "the home team won the final after a thrilling second half at the stadium",
             "spicy curry", "expect cold fog with snow in the morning", "pasta"]
    for pooling in ("cls", "mean", "pooler"):
        batched = embed(model, tok, texts, pooling=pooling, batch_size=2, max_length=32)
        alone = np.concatenate([embed(model, tok, [t], pooling=pooling, max_length=32) for t in texts])
        np.testing.assert_allclose(batched, alone, atol=1e-5, err_msg=pooling)
        assert len({tuple(row[:4].round(5)) for row in batched}) == len(texts)
    layer0 = embed(model, tok, texts, pooling="mean", layer=0, max_length=32)
    assert not np.allclose(layer0, embed(model, tok, texts, pooling="mean", max_length=32))


@pytest.fixture(scope="module")
def no_pooler_bert(tmp_path_factory, tiny_bert):
    """The tiny BERT with its pooler weights removed (as many encoders ship)."""
    import shutil

    from safetensors.torch import load_file, save_file

    out = tmp_path_factory.mktemp("no-pooler")
    shutil.copytree(tiny_bert, out, dirs_exist_ok=True)
    weights = load_file(out / "model.safetensors")
    save_file({k: v for k, v in weights.items() if "pooler" not in k}, out / "model.safetensors",
              metadata={"format": "pt"})
    return out


def test_pooler_without_weights_is_a_validate_error(write_suite, no_pooler_bert, english_data, capsys):
    path = write_suite(probe_suite(no_pooler_bert, english_data))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "pooling:" in t)
    assert err == [f"harness: error: {path}:{line}: methods.1.pooling.2: model tiny has no trained "
                   "pooler weights (no pooler.dense.* in its safetensors): its pooler_output would "
                   "be random; use cls or mean"]


def test_pooler_without_weights_fails_at_run_time_too(no_pooler_bert):
    from harness.methods.probe.extract import load_encoder

    with pytest.raises(ValueError, match="no trained pooler"):
        load_encoder(str(no_pooler_bert), need_pooler=True)


@pytest.mark.parametrize("methods, field, message", [
    ("  - {type: probe, layer: 7}\n", "methods.0.layer", "layer 7 does not exist in tiny (2 layers"),
    ("  - {type: probe, pooling: [pooler], layer: 1}\n", "methods.0.layer", "reads the last layer"),
    ("  - {type: probe, pooling: max}\n", "methods.0.pooling.0", "Input should be 'cls', 'mean'"),
    ("  - {type: probe, classifiers: [forest]}\n", "methods.0.classifiers.0",
     "does not match any of the expected tags"),
    ("  - {type: probe, classifiers: [{name: knn, C: 2}]}\n", "methods.0.classifiers.0.C",
     "unknown key"),
    ("  - {type: probe, classifiers: [knn, knn]}\n", "methods.0.classifiers.1", "repeats"),
])
def test_probe_bad_input(write_suite, tiny_bert, english_data, capsys, methods, field, message):
    path = write_suite(probe_suite(tiny_bert, english_data, methods="methods:\n" + methods))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{path}:" in err[0] and f": {field}: " in err[0], err
    assert message in err[0], err
