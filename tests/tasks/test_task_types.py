"""Task types (harness/tasks/) without training: inference from columns, canonical columns and
their checks, the baselines, the scores family against scipy, which metrics score a dataset,
and the multiple-choice encoder and collator."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import write_csv

from harness.data.load import CHOICES, LABEL, PAIR, TEXT, DataError, column_values
from harness.metrics.scores import mse, pearson, spearman
from harness.specs.dataset import DatasetSpec
from harness.specs.metric import MetricRef
from harness.tasks.prepare import prepare
from harness.tasks.registry import TASKS, task_type
from harness.tasks.scoring import dataset_metrics


def sts_spec(data, **kw) -> DatasetSpec:
    files = {s: str(data / "sts" / f"{s}.csv") for s in ("train", "validation", "test")}
    return DatasetSpec(name="sts", files=files, text_column="sentence1",
                       text_pair_column="sentence2", label_column="score", **kw)


def choice_spec(data, **kw) -> DatasetSpec:
    files = {s: str(data / "choice" / f"{s}.jsonl") for s in ("train", "validation", "test")}
    return DatasetSpec(name="choice", files=files, text_column="question", **kw)


def test_regression_is_inferred_from_non_integer_scores(task_data):
    data = prepare(sts_spec(task_data))
    assert data.task.name == "regression"
    train = data.splits["train"]
    assert train.column_names == [TEXT, PAIR, LABEL]
    assert str(train.features[LABEL].dtype) == "float32"
    y = np.asarray(column_values(train, LABEL), dtype=np.float64)
    assert data.info.extra["train_mean"] == pytest.approx(y.mean())
    assert data.facts["test"]["rows"] == 60 and "score_mean" in data.facts["test"]
    base = data.task.baseline(train, data.splits["test"], data.info)
    assert np.all(base.y_pred == np.float32(y.mean()))
    assert pearson(base.y_true, base.y_pred) is None  # a constant has no correlation


def test_multiple_choice_is_inferred_from_numbered_choice_columns(task_data):
    data = prepare(choice_spec(task_data))
    assert data.task.name == "multiple_choice"
    assert data.info.extra["num_choices"] == 3 and data.label_names == ["0", "1", "2"]
    row = data.splits["test"][0]
    assert row[TEXT].startswith("topic? ") and len(row[CHOICES]) == 3 and 0 <= row[LABEL] < 3
    base = data.task.baseline(data.splits["train"], data.splits["test"], data.info)
    counts = np.bincount(column_values(data.splits["train"], LABEL), minlength=3)
    assert set(base.y_pred) == {int(np.argmax(counts))}


def test_multiple_choice_from_one_list_column(tmp_path):
    rows = [{"q": f"q{i}", "options": ["a", "b", "c", "d"], "answer": i % 4} for i in range(20)]
    path = tmp_path / "mc.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    spec = DatasetSpec(name="mc", files={"train": str(path)}, text_column="q",
                       choices_column="options", label_column="answer", validation_size=0)
    data = prepare(spec)
    assert data.task.name == "multiple_choice" and data.info.extra["num_choices"] == 4
    assert len(data.splits["train"]) + len(data.splits["test"]) == 20


def test_declared_task_type_wins_and_classification_stays_the_default(tmp_path):
    rows = [{"text": f"t{i}", "label": float(i % 3)} for i in range(30)]  # 0.0, 1.0, 2.0
    write_csv(tmp_path / "train.csv", rows)
    plain = DatasetSpec(name="d", files={"train": str(tmp_path / "train.csv")})
    assert prepare(plain).task.name == "classification"  # integer-valued: class ids
    declared = plain.model_copy(update={"task": "regression"})
    assert prepare(declared).task.name == "regression"
    ranged = plain.model_copy(update={"label_range": (0.0, 2.0)})
    assert prepare(ranged).task.name == "regression"


def test_fields_of_another_task_type_are_refused(task_data):
    with pytest.raises(DataError) as e:
        prepare(sts_spec(task_data, task="regression", label_names=["a", "b"]))
    assert e.value.field == "label_names" and "not regression" in e.value.message
    with pytest.raises(DataError) as e:
        prepare(choice_spec(task_data, text_pair_column="choice0"))
    assert e.value.field == "text_pair_column"


def test_scores_family_equals_scipy_and_numpy():
    from scipy import stats

    rng = np.random.default_rng(0)
    y = rng.uniform(0, 5, 200)
    p = y + rng.normal(0, 1.5, 200)
    p[:10] = p[10]  # ties for Spearman
    assert pearson(y, p) == pytest.approx(stats.pearsonr(y, p).statistic, abs=1e-12)
    assert spearman(y, p) == pytest.approx(stats.spearmanr(y, p).statistic, abs=1e-12)
    assert mse(y, p) == pytest.approx(float(np.mean((y - p) ** 2)))
    assert spearman(y, np.full(200, 2.5)) is None


def test_a_datasets_metrics_follow_its_task_type():
    suite = [MetricRef(name=n) for n in ("accuracy", "f1_macro", "mcc")]
    plain = DatasetSpec(name="d", files={"train": "x.csv"})
    assert dataset_metrics(suite, "accuracy", plain, TASKS["classification"]) == (tuple(suite), "accuracy")
    refs, main = dataset_metrics(suite, "accuracy", plain, TASKS["regression"])
    assert [r.name for r in refs] == ["pearson", "spearman", "mse"] and main == "pearson"
    refs, main = dataset_metrics(suite, "accuracy", plain, TASKS["multiple_choice"])
    assert [r.name for r in refs] == ["accuracy", "f1_macro", "mcc"] and main == "accuracy"
    mixed = suite + [MetricRef(name="spearman")]
    refs, main = dataset_metrics(mixed, "accuracy", plain, TASKS["regression"])
    assert [r.name for r in refs] == ["spearman"] and main == "spearman"
    own = plain.model_copy(update={"metrics": [MetricRef(name="mse"), MetricRef(name="pearson")],
                                   "main_metric": "pearson"})
    refs, main = dataset_metrics(suite, "accuracy", own, TASKS["regression"])
    assert [r.name for r in refs] == ["mse", "pearson"] and main == "pearson"
    assert task_type(None).name == "classification"  # records before task types


def test_choice_encoder_and_collator_make_rows_of_n_sequences(tiny_bert, task_data):
    import torch
    from transformers import AutoTokenizer

    data = prepare(choice_spec(task_data))
    tokenizer = AutoTokenizer.from_pretrained(tiny_bert)
    encode = data.task.encoder(str(tiny_bert), 24, tokenizer)
    batch = data.splits["test"][:4]
    out = encode(batch)
    assert [len(r) for r in out["input_ids"]] == [3] * 4
    assert out["length"] == [max(len(s) for s in r) for r in out["input_ids"]]
    features = [{**{k: out[k][i] for k in ("input_ids", "attention_mask", "token_type_ids")},
                 LABEL: batch[LABEL][i]} for i in range(4)]
    padded = data.task.collator(tokenizer, None)(features)
    longest = max(out["length"])
    assert padded["input_ids"].shape == (4, 3, longest)
    assert torch.equal(padded["labels"], torch.tensor(batch[LABEL]))
    # every (question, choice) pair keeps its question first and its choice after [SEP]
    first = tokenizer.decode(out["input_ids"][0][0], skip_special_tokens=True)
    assert first.split()[-1] == batch[CHOICES][0][0]


def test_regression_baseline_note_and_no_nan_train_mean(task_data):
    data = prepare(sts_spec(task_data))
    note = data.task.baseline_note({"train": data.facts["train"]}, [])
    assert "train mean" in note and "MSE" in note
    assert math.isfinite(data.info.extra["train_mean"])
