"""Throughput fields, the tokenization cache and row order of sorted evaluation (issue 9)."""

from __future__ import annotations

import os
import shutil
import types

import numpy as np
import pytest
from conftest import tiny_suite

import harness.cpu
from harness.cli import main
from harness.store.store import ResultsStore
from harness.tasks.registry import TASKS

CLASSIFICATION = TASKS["classification"]


@pytest.fixture(scope="module")
def cached_run(tmp_path_factory, tiny_bert, english_data):
    """Two schedulers, validation each epoch, a shared HARNESS_CACHE; run, then run again into a
    fresh results dir (a new suite run that shares the cache)."""
    root = tmp_path_factory.mktemp("throughput")
    suite = root / "suite.yaml"
    suite.write_text(tiny_suite(tiny_bert, english_data, schedulers=("linear", "cosine"), epochs=2,
                                learning_rate="3.0e-3",
                                extra_training="  save_model: true\n  eval_strategy: epoch\n"
                                               "  eval_batch_size: 8"), encoding="utf-8")
    old = os.environ.get("HARNESS_CACHE")
    os.environ["HARNESS_CACHE"] = str(root / "cache")
    try:
        first = main(["run", str(suite), "--results-dir", str(root / "first")])
        second = main(["run", str(suite), "--results-dir", str(root / "second")])
    finally:
        if old is None:
            os.environ.pop("HARNESS_CACHE")
        else:
            os.environ["HARNESS_CACHE"] = old
    assert first == 0 and second == 0
    return root


def tuned(results):
    records = [r for r in ResultsStore(results).records() if r.method == "finetune"]
    assert records and all(r.status == "ok" for r in records), [r.error for r in records]
    return sorted(records, key=lambda r: r.started_at + r.trial_id)


@pytest.mark.slow  # end to end: trains tiny models
def test_throughput_fields_are_present_and_sane(cached_run):
    import datasets

    entries = list((cached_run / "cache" / "tokenized").iterdir())
    shortest = min(datasets.load_from_disk(str(entries[0]))["train"]["length"])
    for r in tuned(cached_run / "first"):
        t = r.timing
        for name in ("train_samples_per_s", "train_tokens_per_s", "train_steps_per_s",
                     "eval_samples_per_s", "test_samples_per_s", "latency_ms_p50_b1",
                     "latency_ms_p95_b1", "latency_ms_p50_batch", "latency_ms_p95_batch",
                     "peak_memory_mb", "train_runtime_s", "total_wall_s"):
            assert getattr(t, name) is not None and getattr(t, name) > 0, (name, t)
        assert t.train_tokens_per_s >= t.train_samples_per_s * shortest
        assert t.train_samples_per_s <= t.train_steps_per_s * 16 + 1e-9  # batch 16
        assert t.latency_ms_p95_b1 >= t.latency_ms_p50_b1
        assert t.latency_ms_p95_batch >= t.latency_ms_p50_batch
        assert 0 <= t.padding_share_train < 1 and 0 <= t.padding_share_eval < 1
        # CPU: against this CPU's measured matmul peak (harness.runtimes.cpu_peaks)
        assert 0 < t.mfu_train < 1 and 0 < t.mfu_inference < 1, (t.mfu_train, t.mfu_inference)
        assert t.train_runtime_s <= t.total_wall_s
        assert set(r.metrics) == {"validation", "test"}
        env = r.environment
        assert env.torch_threads and env.torch_threads >= 1 and env.omp_wait_policy
        glibc = harness.cpu._glibc() is not None
        assert env.cpu_allocator == ("keep-freed" if glibc else "default")  # CPU trial


@pytest.mark.slow  # end to end: trains tiny models
def test_tokenized_once_and_reused_across_schedulers_and_runs(cached_run):
    first, second = tuned(cached_run / "first"), tuned(cached_run / "second")
    assert [r.cache_hits["tokenized"] for r in first] == [False, True]
    assert [r.cache_hits["tokenized"] for r in second] == [True, True]
    assert len(list((cached_run / "cache" / "tokenized").iterdir())) == 1
    # The cache changes nothing but the time: same keys, same predictions.
    for a, b in zip(first, second):
        assert a.key == b.key
        with np.load(cached_run / "first" / a.artifacts["predictions"]) as x, \
                np.load(cached_run / "second" / b.artifacts["predictions"]) as y:
            assert np.array_equal(x["predictions"], y["predictions"])


@pytest.mark.slow  # end to end: trains tiny models
def test_stored_predictions_are_in_row_order(cached_run, english_data):
    """Each test row predicted alone (batch 1, no padding) by the saved model gives the stored
    prediction of that row: the sorted batches were put back in order."""
    import pandas as pd
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    results = cached_run / "first"
    record = tuned(results)[0]
    model_path = results / record.artifacts["model"]
    model = AutoModelForSequenceClassification.from_pretrained(model_path).eval()
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    texts = pd.read_csv(english_data / "test.csv")["text"].tolist()
    with torch.inference_mode():
        probs = np.stack([torch.softmax(model(**tokenizer(t, truncation=True, max_length=32,
                                                          return_tensors="pt")).logits[0], -1).numpy()
                          for t in texts])
    with np.load(results / record.artifacts["predictions"]) as z:
        stored_pred, stored_probs = z["predictions"], z["probabilities"]
    assert len(set(stored_pred.tolist())) > 1  # a constant predictor would prove nothing
    assert np.array_equal(probs.argmax(1), stored_pred)
    assert np.allclose(probs, stored_probs, atol=1e-4)


class RowEcho:
    """A 'model' whose logits are its input: (sum of real token ids, real length)."""

    def __init__(self):
        import torch

        self.weight = torch.nn.Parameter(torch.zeros(1))

    def parameters(self):
        return iter([self.weight])

    def eval(self):
        return self

    def __call__(self, input_ids, attention_mask, **_):
        mask = attention_mask.float()
        return types.SimpleNamespace(logits=torch_stack(((input_ids * mask).sum(1), mask.sum(1))))


def torch_stack(cols):
    import torch

    return torch.stack(cols, dim=1)


def test_sorted_prediction_restores_row_order(tiny_bert):
    import datasets
    from transformers import AutoTokenizer, DataCollatorWithPadding

    from harness.methods.finetune.eval_order import predict_rows

    rng = np.random.default_rng(0)
    lengths = rng.integers(2, 30, size=37)
    ids = [rng.integers(5, 90, size=n).tolist() for n in lengths]
    ds = datasets.Dataset.from_dict({"input_ids": ids, "attention_mask": [[1] * n for n in lengths],
                                     "length": lengths.tolist(), "label": [0] * len(ids)})
    pad = DataCollatorWithPadding(AutoTokenizer.from_pretrained(tiny_bert))
    out = predict_rows(RowEcho(), ds, pad, {"input_ids", "attention_mask"}, batch_size=8)
    assert out.logits[:, 0].tolist() == [float(sum(row)) for row in ids]
    assert out.logits[:, 1].tolist() == [float(n) for n in lengths]
    assert out.batch_rows == [8, 8, 8, 8, 5]
    assert out.real_tokens == lengths.sum()
    unsorted_padded = sum(max(lengths[i:i + 8]) * len(lengths[i:i + 8]) for i in range(0, 37, 8))
    assert out.padded_tokens < unsorted_padded  # sorting is what saves the padding
    assert 0 <= out.padding_share < 1


def test_shuffled_length_batches():
    import torch

    from harness.methods.finetune.length_sampler import ShuffledLengthBatches

    lengths = list(np.random.default_rng(1).integers(1, 100, size=1003))
    sampler = ShuffledLengthBatches(lengths, 10, generator=torch.Generator().manual_seed(0))
    order = list(sampler)
    assert sorted(order) == list(range(1003))
    batches = [order[i:i + 10] for i in range(0, 1003, 10)]
    spread = np.mean([np.ptp([lengths[i] for i in b]) for b in batches[:-1]])
    assert spread < 10  # grouped: random batches of 10 would spread ~80
    firsts = [max(lengths[i] for i in b) for b in batches[:-1]]
    assert firsts != sorted(firsts, reverse=True)  # batch order is shuffled, not longest first
    assert len(batches[-1]) == 3
    assert order != list(ShuffledLengthBatches(lengths, 10, torch.Generator().manual_seed(1)))


def test_steady_state_leaves_out_warmup_and_evaluation():
    from harness.methods.finetune.throughput import (
        BatchCounts,
        StepClock,
        steady_state,
        step_batches,
    )

    assert step_batches(5, batches_per_epoch=5, accumulation=2) == [2, 2, 1, 2, 2]
    clock = StepClock(cuda=False)
    clock.marks = [0.0] + [30.0 + i for i in range(20)]  # a 30 s first step, then 1 s each ...
    clock.tainted = {10}  # ... but step 11 held an evaluation (100 s)
    clock.marks[11:] = [m + 100 for m in clock.marks[11:]]
    counts = BatchCounts()
    for _ in range(20):
        counts.add(rows=4, real=40, padded=48)
    out = steady_state(clock, counts, batches_per_epoch=20, accumulation=1)
    # 20 steps: 2 warm-up, 1 evaluation left out -> 17 steps of 1 s each.
    assert out["train_steps_per_s"] == pytest.approx(1.0)
    assert out["train_samples_per_s"] == pytest.approx(4.0)
    assert out["train_tokens_per_s"] == pytest.approx(40.0)
    assert counts.padding_share() == pytest.approx(8 / 48)


def test_peak_table_and_mfu(tiny_bert):
    from transformers import AutoModelForSequenceClassification

    from harness.methods.finetune.peak_flops import matmul_params, mfu, peak_flops

    assert peak_flops("NVIDIA H100 80GB HBM3", "bf16") == 989e12
    assert peak_flops("NVIDIA H100 PCIe", "bf16") == 756e12
    assert peak_flops("NVIDIA A100-SXM4-40GB", "tf32") == 156e12
    assert peak_flops("NVIDIA A10", "bf16") == 125e12
    assert peak_flops("NVIDIA L40S", "fp32") == 91.6e12 and peak_flops("NVIDIA L4", "fp32") == 30.3e12
    assert peak_flops("Tesla T4", "bf16") is None  # no bf16 on Turing: no figure, no guess
    assert peak_flops("Some New GPU", "bf16") is None and peak_flops(None, "bf16") is None
    assert mfu(100e6, 1e5, 989e12, training=True) == pytest.approx(6 * 100e6 * 1e5 / 989e12)
    assert mfu(100e6, 1e5, 989e12, training=False) == pytest.approx(2 * 100e6 * 1e5 / 989e12)
    assert mfu(100e6, None, 989e12, training=True) is None
    model = AutoModelForSequenceClassification.from_pretrained(tiny_bert, num_labels=3)
    embeddings = sum(p.numel() for p in model.bert.embeddings.parameters()
                     if p.dim() == 2)  # word, position, token type tables
    assert matmul_params(model) == model.num_parameters() - embeddings



def test_tokenizer_digest_ignores_location_and_japanese_cache(tmp_path, tiny_japanese_bert,
                                                              japanese_data, monkeypatch):
    import datasets
    from transformers import AutoTokenizer

    from harness.methods.finetune import tokenize_cache

    copy = tmp_path / "copy"
    shutil.copytree(tiny_japanese_bert, copy)
    a, b = (AutoTokenizer.from_pretrained(p) for p in (tiny_japanese_bert, copy))
    assert not a.is_fast  # BertJapaneseTokenizer: datasets cannot hash it, we can
    assert tokenize_cache.tokenizer_digest(a) == tokenize_cache.tokenizer_digest(b)
    rows = datasets.load_dataset("csv", data_files=str(japanese_data / "train.tsv"), delimiter="\t",
                                 split="train")
    splits = datasets.DatasetDict({"train": rows, "test": rows.select(range(10))})
    monkeypatch.setattr(tokenize_cache, "_SLOW_TOKENIZER_PARALLEL_ROWS", 50)  # use workers
    out, hit = tokenize_cache.tokenize_splits(splits, a, 32, tmp_path / "cache", CLASSIFICATION)
    assert not hit and out["train"]["input_ids"][0] == a(rows[0]["text"], truncation=True,
                                                         max_length=32)["input_ids"]
    again, hit = tokenize_cache.tokenize_splits(splits, b, 32, tmp_path / "cache", CLASSIFICATION)
    assert hit and again["train"]["input_ids"] == out["train"]["input_ids"]
    _, hit = tokenize_cache.tokenize_splits(splits, b, 16, tmp_path / "cache", CLASSIFICATION)
    assert not hit  # max_length is part of the key
    assert len(list((tmp_path / "cache").iterdir())) == 2


@pytest.mark.slow
def test_torch_compile_switch_compiles_few_shapes(tmp_path, tiny_bert, english_data):
    """training.torch_compile: batches padded to multiples of 16, so a 3-epoch run over rows of
    many lengths compiles a handful of graphs, not one per length."""
    if not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("torch.compile on CPU needs a C compiler (cc/gcc not found)")
    import torch._dynamo

    torch._dynamo.reset()
    torch._dynamo.utils.counters.clear()
    suite = tmp_path / "suite.yaml"
    suite.write_text(tiny_suite(tiny_bert, english_data, learning_rate="3.0e-3",
                                extra_training="  torch_compile: true"), encoding="utf-8")
    assert main(["run", str(suite), "--results-dir", str(tmp_path / "results")]) == 0
    record = tuned(tmp_path / "results")[0]
    assert record.metrics["test"]["accuracy"] > 0.6
    graphs = torch._dynamo.utils.counters["stats"]["unique_graphs"]
    import datasets

    from harness.methods.finetune.tokenize_cache import cache_root

    entry = next(cache_root(tmp_path / "results").iterdir())
    lengths = set(datasets.load_from_disk(str(entry))["train"]["length"])
    assert 0 < graphs < len(lengths), (graphs, sorted(lengths))
