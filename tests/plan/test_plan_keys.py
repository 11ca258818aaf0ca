"""Plan expansion and trial keys: stable across YAML key order, paths and names; changed by data,
seed, scheduler and training edits."""

from __future__ import annotations

import shutil

from conftest import tiny_suite

from harness.plan.trials import build_plan
from harness.suite.loader import load_suite


def plan(path):
    return build_plan(load_suite(path).suite)


def keys(path):
    return {(t.method, t.scheduler, t.seed): t.key for t in plan(path)}


def test_expansion_counts(write_suite, tiny_bert, english_data):
    path = write_suite(tiny_suite(tiny_bert, english_data, schedulers=("linear", "cosine", "constant"),
                                  seeds=(1, 2)))
    trials = plan(path)
    assert len(trials) == 1 + 3 * 2
    assert trials[0].method == "majority"
    assert len({t.key for t in trials}) == len(trials)
    assert len({t.trial_id for t in trials}) == len(trials)
    assert all("/" not in t.trial_id and ".." not in t.trial_id for t in trials)


def test_key_stable_across_yaml_key_order_and_location(write_suite, tiny_bert, english_data, tmp_path):
    a = write_suite(tiny_suite(tiny_bert, english_data, schedulers=("linear", "cosine")), "a.yaml")
    reordered = f"""
seeds: [1]
metrics: [accuracy, f1_macro, mcc]
training:
  lr_scheduler_type: [linear, cosine]
  logging_steps: 5
  batch_size: 16
  learning_rate: 1.0e-3
  epochs: 3
datasets:
  - label_names: [sports, food, weather]
    files: {{test: {english_data}/test.csv, validation: {english_data}/validation.csv, train: {english_data}/train.csv}}
    name: topics
models:
  - max_length: 32
    path: {tiny_bert}
    name: tiny
name: tiny
"""
    sub = tmp_path / "elsewhere"
    sub.mkdir()
    b = sub / "b.yaml"
    b.write_text(reordered, encoding="utf-8")
    assert keys(a) == keys(b)
    # Copies of the data and the model in other places: same content, same keys.
    data2, model2 = tmp_path / "data-copy", tmp_path / "model-copy"
    shutil.copytree(english_data, data2)
    shutil.copytree(tiny_bert, model2)
    c = write_suite(tiny_suite(model2, data2, schedulers=("linear", "cosine"), name="renamed"), "c.yaml")
    assert keys(a) == keys(c)


def test_key_changes_with_data_edit(write_suite, tiny_bert, english_data, tmp_path):
    data2 = tmp_path / "data-edit"
    shutil.copytree(english_data, data2)
    a = keys(write_suite(tiny_suite(tiny_bert, data2), "a.yaml"))
    train = data2 / "train.csv"
    lines = train.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",", " again,", 1)  # edit one text
    train.write_text("\n".join(lines) + "\n", encoding="utf-8")
    b = keys(write_suite(tiny_suite(tiny_bert, data2), "b.yaml"))
    assert a.keys() == b.keys()
    assert all(a[k] != b[k] for k in a)  # baseline and fine-tunes alike


def test_key_changes_with_what_changes_results(write_suite, tiny_bert, english_data):
    base = keys(write_suite(tiny_suite(tiny_bert, english_data), "a.yaml"))
    lr = keys(write_suite(tiny_suite(tiny_bert, english_data).replace("1.0e-3", "2.0e-3"), "b.yaml"))
    seed = keys(write_suite(tiny_suite(tiny_bert, english_data, seeds=(2,)), "c.yaml"))
    ft = ("finetune", "linear", 1)
    assert lr[ft] != base[ft]
    assert lr[("majority", None, None)] == base[("majority", None, None)]  # baseline: data only
    assert seed[("finetune", "linear", 2)] != base[ft]
    logging = keys(write_suite(tiny_suite(tiny_bert, english_data).replace("logging_steps: 5",
                                                                           "logging_steps: 7"), "d.yaml"))
    assert logging == base  # logging does not change a result


def test_model_content_enters_key(write_suite, tiny_bert, english_data, tmp_path):
    model2 = tmp_path / "model-edit"
    shutil.copytree(tiny_bert, model2)
    a = keys(write_suite(tiny_suite(model2, english_data), "a.yaml"))
    (model2 / "config.json").write_text((model2 / "config.json").read_text().replace(
        '"hidden_act"', '"_edited": 1, "hidden_act"'), encoding="utf-8")
    b = keys(write_suite(tiny_suite(model2, english_data), "b.yaml"))
    assert a[("finetune", "linear", 1)] != b[("finetune", "linear", 1)]
