"""Saved models end to end on a tiny BERT: eval during training with best checkpoint and early
stopping, tokenizer fit in the record and footer, model cards with a CI over seeds, and
`harness predict` in a fresh process reproducing the stored test predictions."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import REPO, tiny_suite

from harness.cli import main
from harness.store.store import ResultsStore

pytestmark = pytest.mark.slow  # end to end: trains tiny models

EPOCHS = 20


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory, tiny_bert, english_data):
    root = tmp_path_factory.mktemp("saved")
    suite = root / "suite.yaml"
    suite.write_text(tiny_suite(
        tiny_bert, english_data, seeds=(1, 2), epochs=EPOCHS, metrics="[f1_macro, accuracy, mcc]",
        extra_training="  save_model: true\n  eval_strategy: epoch\n  load_best_model_at_end: true\n"
                       "  early_stopping_patience: 2"), encoding="utf-8")
    assert main(["run", str(suite), "--results-dir", str(root / "results")]) == 0
    return root / "results"


def finetunes(results):
    return sorted((r for r in ResultsStore(results).records() if r.method == "finetune"),
                  key=lambda r: r.seed)


def test_eval_per_epoch_best_checkpoint_and_early_stopping(saved_run):
    for r in finetunes(saved_run):
        # the per-epoch evaluations only: harness scores the kept model with its own length-sorted
        # pass (record.metrics), not with a post-training Trainer.evaluate() in the log
        during = [e for e in r.log_history if "eval_f1_macro" in e]
        epochs = [e["epoch"] for e in during]
        assert epochs == [float(i) for i in range(1, len(during) + 1)]  # one eval per epoch
        assert len(during) < EPOCHS, "early stopping never stopped the run"
        scores = [e["eval_f1_macro"] for e in during]
        best = max(scores)
        # Stopped `patience` evaluations after the first best (later ties do not improve) ...
        assert len(scores) - 1 - scores.index(best) == 2, scores
        # ... and the model kept is the best checkpoint, not the last one: the stored validation
        # score equals the best epoch's.
        assert r.metrics["validation"]["f1_macro"] == pytest.approx(best)


def test_tokenizer_fit_in_records_and_footer(saved_run, capsys):
    records = ResultsStore(saved_run).records()
    fit = finetunes(saved_run)[0].tokenizer_fit
    assert fit["rows"] == 360 and fit["max_length"] == 32 and fit["unk_rate"] == 0.0
    assert 5 < fit["tokens_mean"] < fit["tokens_p95"] <= fit["tokens_max"] <= 32
    assert fit["example_tokens"][0] == "[CLS]" and fit["example_tokens"][-1] == "[SEP]"
    assert next(r for r in records if r.method == "majority").tokenizer_fit is None
    assert main(["report", str(saved_run)]) == 0
    assert f"tokenizer fit tiny × topics: tokens/row mean {fit['tokens_mean']:.1f}" \
           in capsys.readouterr().out


def test_saved_dir_holds_weights_tokenizer_labels_and_card(saved_run):
    r1, r2 = finetunes(saved_run)
    folder = saved_run / r1.artifacts["model"]
    assert {"model.safetensors", "config.json", "tokenizer.json", "README.md"} <= \
           {p.name for p in folder.iterdir()}
    config = json.loads((folder / "config.json").read_text())
    assert config["id2label"] == {"0": "sports", "1": "food", "2": "weather"}
    assert config["label2id"] == {"sports": 0, "food": 1, "weather": 2}
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "License of this model: _fill in_" in card and "\nlicense:" not in card
    assert "mean ± 95% CI over 2 seeds" in card and "majority baseline" in card
    from harness.modelcard import mean_ci

    values = [r1.metrics["test"]["f1_macro"], r2.metrics["test"]["f1_macro"]]
    mean, half = mean_ci(values)
    assert f"| f1_macro | {values[0]:.4f} | {mean:.4f} ± {half:.4f} |" in card
    assert "scheduler `linear`" in card and "learning rate 0.001" in card
    assert "[UNK] 0.00%" in card and "transformers" in card
    # Seed 1's card was rewritten after seed 2 finished: both show the same interval.
    card2 = (saved_run / r2.artifacts["model"] / "README.md").read_text(encoding="utf-8")
    assert f"{mean:.4f} ± {half:.4f}" in card2


def test_card_model_index_parses_back_with_huggingface_hub(saved_run):
    from huggingface_hub import ModelCard, metadata_load
    from huggingface_hub.repocard_data import model_index_to_eval_results

    r = finetunes(saved_run)[0]
    path = saved_run / r.artifacts["model"] / "README.md"
    results = ModelCard.load(path).data.eval_results
    assert {e.metric_name: e.metric_value for e in results} == r.metrics["test"]
    assert {(e.task_type, e.dataset_name, e.dataset_split, e.dataset_revision) for e in results} == {
        ("text-classification", "topics", "test", r.config["dataset"]["fingerprint"])}
    assert {e.metric_name: (e.metric_type, e.metric_config) for e in results}["f1_macro"] == \
        ("f1", "macro")
    name, again = model_index_to_eval_results(metadata_load(path)["model-index"])
    assert name == r.trial_id and again == results
    assert "base_model" not in metadata_load(path)  # a local dir is no hub id


def _predict_subprocess(*argv):
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "harness", "predict", *argv], capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=300)


def test_predict_in_fresh_process_equals_stored_test_predictions(saved_run, english_data):
    r = finetunes(saved_run)[1]
    proc = _predict_subprocess(str(saved_run), "--trial", r.trial_id, "--file",
                               str(english_data / "test.csv"), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)["predictions"]
    stored = np.load(saved_run / r.artifacts["predictions"])
    assert len(rows) == len(stored["predictions"]) == 60
    assert [row["label_id"] for row in rows] == stored["predictions"].tolist()
    assert [row["label"] for row in rows] == [r.label_names[i] for i in stored["predictions"]]
    probs = np.array([[row["scores"][n] for n in r.label_names] for row in rows])
    assert np.allclose(probs, stored["probabilities"], atol=1e-4)


def test_predict_best_texts_and_errors(saved_run):
    proc = _predict_subprocess(str(saved_run), "--best", "--metric", "accuracy",
                               "the tigers won the final", "spicy curry with cheese")
    assert proc.returncode == 0, proc.stderr
    best = max(finetunes(saved_run), key=lambda r: r.metrics["test"]["accuracy"])
    assert best.trial_id in proc.stdout and "| label" in proc.stdout
    proc = _predict_subprocess(str(saved_run), "--trial", "nope", "x")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--trial 'nope' matches 0 saved models" in proc.stderr


def test_model_save_model_overrides_training_and_stays_out_of_the_key(tmp_path, tiny_bert,
                                                                      english_data):
    from harness.plan.trials import build_plan
    from harness.suite.loader import load_suite

    text = tiny_suite(tiny_bert, english_data, epochs=1, extra_training="  save_model: true")
    plain, off = tmp_path / "plain.yaml", tmp_path / "off.yaml"
    plain.write_text(text, encoding="utf-8")
    off.write_text(text.replace("    max_length: 32", "    max_length: 32\n    save_model: false"),
                   encoding="utf-8")
    keys = [[t.key for t in build_plan(load_suite(p).suite)] for p in (plain, off)]
    assert keys[0] == keys[1]  # where a model is kept does not change its result
    assert main(["run", str(off), "--results-dir", str(tmp_path / "results")]) == 0
    record = next(r for r in ResultsStore(tmp_path / "results").records() if r.method == "finetune")
    assert "model" not in record.artifacts and not (tmp_path / "results" / "models").exists()
