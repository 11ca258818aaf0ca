"""`harness init` on three shapes of data file: each written suite validates and runs on a tiny
BERT; the guesses (text, pair, label columns, label names) are the right ones; no torch."""

from __future__ import annotations

import json
import random

import pytest
import tiny_models
import yaml
from conftest import light, write_csv

from harness.cli import main
from harness.store.store import ResultsStore


def _english(n=150, seed=1):
    return tiny_models.english_texts(n=n, seed=seed)


def csv_string_labels(root):
    texts, labels = _english()
    rows = [{"id": f"r{i}", "review": t, "topic": lab} for i, (t, lab) in enumerate(zip(texts, labels))]
    return write_csv(root / "reviews.csv", rows), None


def tsv_binary(root):
    texts, labels = _english(seed=2)
    rows = [{"source": random.Random(i).choice(["web", "news"]), "sentence": t,
             "label": int(lab == "food")} for i, (t, lab) in enumerate(zip(texts, labels))]
    train = write_csv(root / "train.tsv", rows[30:], delimiter="\t")
    return train, write_csv(root / "test.tsv", rows[:30], delimiter="\t")


def jsonl_pairs(root):
    texts, labels = _english(n=200, seed=3)
    rng = random.Random(0)
    root.mkdir(parents=True, exist_ok=True)
    path = root / "pairs.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for i in range(160):
            a = rng.randrange(len(texts))
            b = rng.choice([j for j in range(len(texts)) if (labels[j] == labels[a]) == (i % 2 == 0)])
            f.write(json.dumps({"premise": texts[a], "hypothesis": texts[b],
                                "gold": "same" if i % 2 == 0 else "different"}) + "\n")
    return path, None


SHAPES = {
    "csv-string": (csv_string_labels, {"text_column": "review", "label_column": "topic",
                                       "label_names": ["food", "sports", "weather"]}),
    "tsv-binary": (tsv_binary, {"text_column": "sentence", "label_column": "label",
                                "label_names": ["0", "1"]}),
    "jsonl-pairs": (jsonl_pairs, {"text_column": "premise", "text_pair_column": "hypothesis",
                                  "label_column": "gold", "label_names": ["different", "same"]}),
}


@pytest.mark.slow  # end to end / subprocesses
@pytest.mark.parametrize("shape", SHAPES)
def test_init_writes_a_suite_that_validates_and_runs(shape, tmp_path, tiny_bert, capsys):
    make, expected = SHAPES[shape]
    data, test = make(tmp_path / "data")
    out = tmp_path / "suites" / f"{shape}.yaml"
    out.parent.mkdir()
    argv = ["init", "--data", str(data), "--model", str(tiny_bert), "--out", str(out)]
    if test:
        argv += ["--test", str(test)]
    assert main(argv) == 0
    assert "valid; next:" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert "# label counts in train:" in text and "# guessed" in text
    spec = yaml.safe_load(text)["datasets"][0]
    assert {k: spec.get(k) for k in expected} == expected
    assert ("text_pair_column" in spec) == (shape == "jsonl-pairs")
    assert ("test" in spec["files"]) == (test is not None)
    assert main(["validate", str(out)]) == 0
    results = tmp_path / "results"
    assert main(["run", str(out), "--results-dir", str(results)]) == 0
    records = ResultsStore(results).records()
    assert {r.method for r in records} == {"finetune", "majority"}
    assert all(r.status == "ok" for r in records)
    assert next(r for r in records if r.method == "finetune").label_names == expected["label_names"]


@pytest.mark.slow  # end to end / subprocesses
def test_init_is_light_and_refuses_to_overwrite(tmp_path):
    data, _ = csv_string_labels(tmp_path)
    out = tmp_path / "s.yaml"
    proc = light("init", "--data", str(data), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY=\n" in proc.stderr
    proc = light("init", "--data", str(data), "--out", str(out))
    assert proc.returncode == 2 and "exists; choose another --out or pass --force" in proc.stderr


def test_init_bad_file_is_one_line(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    assert main(["init", "--data", str(tmp_path / "missing.csv")]) == 2
    assert main(["init", "--data", str(bad), "--out", str(tmp_path / "o.yaml")]) == 2


@pytest.mark.parametrize("folder, data, task, expected", [
    ("sts", "train.csv", "regression", {"text_column": "sentence1",
                                        "text_pair_column": "sentence2", "label_column": "score",
                                        "task": "regression"}),
    ("choice", "train.jsonl", "multiple_choice", {"text_column": "question",
                                                  "label_column": "label"}),
], ids=["regression", "multiple-choice"])
def test_init_guesses_regression_and_multiple_choice(task_data, tmp_path, folder, data, task,
                                                     expected):
    out = tmp_path / "suite.yaml"
    assert main(["init", "--data", str(task_data / folder / data), "--out", str(out)]) == 0
    suite = yaml.safe_load(out.read_text(encoding="utf-8"))
    dataset = suite["datasets"][0]
    assert {k: dataset.get(k) for k in expected} == expected
    assert "label_names" not in dataset  # scores and choice indices have no names
    assert suite["main_metric"] == {"regression": "pearson", "multiple_choice": "accuracy"}[task]
    proc = light("validate", str(out))
    assert proc.returncode == 0 and f"task {task}: " in proc.stdout, proc.stderr
    assert "HEAVY=\n" in proc.stderr or proc.stderr.rstrip().endswith("HEAVY=")
