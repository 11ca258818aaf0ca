"""Grids: lists of training values (and the probe's C) expand into scalar configurations before
any key is built, so a suite with one value keeps exactly the keys it had; each grid point's
trial has the key the same scalar suite gives it."""

from __future__ import annotations

from conftest import tiny_suite

from harness.plan.trials import build_plan, plan_line
from harness.suite.loader import load_suite

# TrainingSpec's fields in a key, as every suite without a grid had them before grids existed
# (tests/fixtures/pre_redesign/keys.json holds a stored suite's whole material).
DEFAULT_TRAINING_MATERIAL = {
    "epochs": 3.0, "max_steps": None, "learning_rate": 0.001, "batch_size": 16,
    "eval_batch_size": 64, "gradient_accumulation_steps": 1, "weight_decay": 0.0,
    "max_grad_norm": 1.0, "warmup_ratio": 0.0, "warmup_steps": None, "eval_strategy": "no",
    "eval_steps": None, "load_best_model_at_end": False, "metric_for_best_model": None,
    "early_stopping_patience": None, "torch_compile": False,
    "lr_scheduler_type": "linear", "lr_scheduler_kwargs": {}}


def _trials(write_suite, text, name="s.yaml"):
    return [t for t in build_plan(load_suite(write_suite(text, name)).suite)
            if t.method != "majority"]


def test_scalar_suite_material_unchanged_and_one_value_list_is_the_scalar(write_suite, tiny_bert,
                                                                           english_data):
    """0.2 s."""
    scalar = _trials(write_suite, tiny_suite(tiny_bert, english_data), "a.yaml")
    assert [t.key_material["training"] for t in scalar] == [DEFAULT_TRAINING_MATERIAL]
    assert scalar[0].configuration == {}
    one = _trials(write_suite, tiny_suite(tiny_bert, english_data, learning_rate="[1.0e-3]",
                                          epochs="[3]"), "b.yaml")
    assert [(t.key, t.trial_id) for t in one] == [(t.key, t.trial_id) for t in scalar]


def test_grid_points_have_the_scalar_suites_keys(write_suite, tiny_bert, english_data):
    """0.2 s: 3 rates × 2 batch sizes × 2 seeds; each point's key is the scalar suite's."""
    text = tiny_suite(tiny_bert, english_data, seeds=(1, 2), learning_rate="[1.0e-5, 1.0e-3, 5.0e-4]")
    grid = _trials(write_suite, text.replace("  batch_size: 16", "  batch_size: [16, 8]"), "g.yaml")
    assert len(grid) == 3 * 2 * 2 and len({t.key for t in grid}) == 12
    assert [t.configuration for t in grid[:4]] == [
        {"learning_rate": 1e-5, "batch_size": 16}, {"learning_rate": 1e-5, "batch_size": 16},
        {"learning_rate": 1e-5, "batch_size": 8}, {"learning_rate": 1e-5, "batch_size": 8}]
    scalar = _trials(write_suite, tiny_suite(tiny_bert, english_data, seeds=(1, 2)), "s.yaml")
    point = [t for t in grid if t.configuration == {"learning_rate": 1e-3, "batch_size": 16}]
    assert [t.key for t in point] == [t.key for t in scalar]
    assert all("learning_rate-0.001_batch_size-16" in t.trial_id for t in point)
    assert plan_line(grid) == "12 trials (12 to train in 6 configurations, 0 baselines)"


def test_model_training_overrides_only_that_model(write_suite, tiny_bert, english_data, tmp_path):
    """0.2 s: models[].training lists expand that model only; the other keeps the suite's."""
    import shutil

    other = shutil.copytree(tiny_bert, tmp_path / "other")
    text = tiny_suite(tiny_bert, english_data).replace("""models:
  - name: tiny
    path: {0}
    max_length: 32
""".format(tiny_bert), f"""models:
  - name: tiny
    path: {tiny_bert}
    max_length: 32
    training: {{learning_rate: [1.0e-4, 2.0e-4]}}
  - name: other
    path: {other}
    max_length: 32
""")
    trials = _trials(write_suite, text)
    by_model = {}
    for t in trials:
        by_model.setdefault(t.model.display_name, []).append(t.key_material["training"]["learning_rate"])
    assert by_model == {"tiny": [1e-4, 2e-4], "other": [1e-3]}
    assert "training" not in trials[0].key_material["model"]  # in the key as training only


def test_probe_c_grid(write_suite, tiny_bert, english_data):
    """0.2 s: C: [0.1, 1] is two configurations of one probe row; C=0.1's key is the scalar's."""
    probe = "methods:\n  - type: probe\n    classifiers: [{name: logistic_regression, C: %s}]\n"
    grid = _trials(write_suite, tiny_suite(tiny_bert, english_data) + probe % "[0.1, 1.0]", "g.yaml")
    scalar = _trials(write_suite, tiny_suite(tiny_bert, english_data) + probe % "0.1", "s.yaml")
    assert [t.configuration for t in grid] == [{"C": 0.1}, {"C": 1.0}]
    assert {t.variant for t in grid} == {"mean, logistic_regression"}
    assert grid[0].key == scalar[0].key and scalar[0].variant == "mean, logistic_regression C=0.1"
