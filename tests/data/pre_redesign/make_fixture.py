"""Writes the stored results dir that tests/test_stored_results.py resumes.

Run ONCE, with the code of main @70f7799 (before methods became plugins under harness/methods/),
from the repository root:

    python tests/data/pre_redesign/make_fixture.py

It writes, beside this file: a tiny BERT (`model/`, a few KB), generated data (`data/`), the
suite (`suite.yaml`, relative paths), the results dir `harness run` wrote (`results/`, caches
removed) and `keys.json`: the package versions that entered the keys and every trial's id, key
and key material as that code's `build_plan` computed them. The test pins package versions to
the stored ones, so a newer transformers in CI does not change the keys it recomputes.
Not run by the tests: re-running it with later code would defeat its purpose.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # tests/: tiny_models, conftest helpers

SUITE = """\
# Stored before the redesign (main @70f7799): see make_fixture.py.
name: pre-redesign
models:
  - name: tiny
    path: model
    max_length: 32
datasets:
  - name: topics
    files: {train: data/train.csv, validation: data/validation.csv, test: data/test.csv}
    label_names: [sports, food, weather]
methods:
  - finetune
  - type: probe
    pooling: mean
    classifiers: [logistic_regression]
  - type: mteb
    batch_size: 8
    tasks:
      - name: topics-sts
        type: sts
        files: {test: data/sts.jsonl}
        text_column: sentence1
        text_pair_column: sentence2
training:
  max_steps: 2
  batch_size: 8
  logging_steps: 1
  eval_strategy: epoch
metrics: [accuracy, f1_macro]
seeds: [1]
"""

KEY_PACKAGES = ("torch", "transformers", "datasets", "accelerate", "scikit-learn", "mteb",
                "sentence-transformers")


def main() -> None:
    import random

    import tiny_models
    from conftest import split_rows, write_csv

    for name in ("model", "data", "results"):
        shutil.rmtree(HERE / name, ignore_errors=True)
    texts, labels = tiny_models.english_texts(n=48, seed=3)
    train, val, test = split_rows(texts, labels, n_test=9, n_val=9)
    for name, rows in (("train", train), ("validation", val), ("test", test)):
        write_csv(HERE / "data" / f"{name}.csv", rows)
    rng = random.Random(0)
    with open(HERE / "data" / "sts.jsonl", "w", encoding="utf-8") as f:
        for _ in range(10):
            a, b = rng.sample(range(len(texts)), 2)
            score = round(rng.uniform(3, 5) if labels[a] == labels[b] else rng.uniform(0, 2), 2)
            f.write(json.dumps({"sentence1": texts[a], "sentence2": texts[b], "label": score}) + "\n")
    tiny_models.make_tiny_bert(HERE / "model", texts, vocab_size=150, hidden_size=8, num_layers=1,
                               num_heads=1, intermediate_size=8, max_position_embeddings=32)
    (HERE / "suite.yaml").write_text(SUITE, encoding="utf-8")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "HF_DATASETS_OFFLINE": "1", "HARNESS_CACHE": str(HERE / ".memo")}
    subprocess.run([sys.executable, "-m", "harness", "run", "suite.yaml", "--results-dir",
                    "results"], cwd=HERE, env=env, check=True)
    for cache in (".cache", "cache", ".scratch", "plots"):
        shutil.rmtree(HERE / "results" / cache, ignore_errors=True)
    shutil.rmtree(HERE / ".memo", ignore_errors=True)
    (HERE / "keys.json").write_text(json.dumps(plan_keys(), indent=1, ensure_ascii=False) + "\n",
                                    encoding="utf-8")


def plan_keys() -> dict:
    import importlib.metadata

    from harness.plan.trials import build_plan
    from harness.suite.loader import load_suite

    trials = build_plan(load_suite(HERE / "suite.yaml").suite)
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                         cwd=HERE).stdout.strip()
    return {"commit": git,
            "packages": {n: importlib.metadata.version(n) for n in KEY_PACKAGES},
            "trials": [{"trial_id": t.trial_id, "method": t.method, "key": t.key,
                        "material": t.key_material} for t in trials]}


if __name__ == "__main__":
    main()
