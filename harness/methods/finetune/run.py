"""Full fine-tuning of any task type (harness.tasks: its encoder, collator, AutoModelFor… head and
decoding) with the Trainer, the trial's lr scheduler, seed set before model init, validation as
configured, final test in row order.

No wasted work: splits tokenized once and cached on disk (tokenize_cache), dynamic padding and
length-grouped training batches, evaluation in larger length-sorted batches with results put
back in row order (eval_order), bf16/TF32 where the GPU has them (speedups). Throughput
measured on the way (throughput, peak_flops) goes into the record's `timing`.

`run` reads as its steps: prepare (data, tokenizer, model, collator), trainer, train (a NaN/inf
loss raises Diverged), score (validation and test in row order, timing), save.
The final model is scored on the validation split whenever the data has one (once, after
training): selection among a grid's configurations reads those scores (harness.reports.selection).
Imported only when a fine-tune trial runs (harness.methods.finetune.Finetune.run).
"""

from __future__ import annotations

import math
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import (
    EarlyStoppingCallback,
    PrinterCallback,
    TrainingArguments,
    set_seed,
)

from harness.cpu import keep_freed_memory
from harness.methods.base import Diverged, MethodOutcome
from harness.methods.context import TrialContext
from harness.methods.finetune import eval_order, peak_flops, speedups
from harness.methods.finetune.callbacks import guard_reporting, trainer_callbacks
from harness.methods.finetune.keep import keep_for_runtimes
from harness.methods.finetune.length_sampler import LengthGroupedTrainer
from harness.methods.finetune.throughput import (
    CountingCollator,
    MemoryPeak,
    StepClock,
    steady_state,
)
from harness.methods.finetune.tokenize_cache import LENGTH, cache_root, tokenize_splits
from harness.models.load import load_tokenizer, model_source, resolve_precision
from harness.specs.training import TrainingSpec
from harness.tasks.prepare import PreparedData
from harness.tasks.scoring import Scoring
from harness.trial import Trial


@dataclass
class Prepared:
    """Everything a fine-tune trial sets up before the Trainer: data, tokenizer, model, the
    collator and clocks that measure it."""

    training: TrainingSpec
    data: PreparedData
    tokenizer: object
    splits: dict  # tokenized, unpadded; `length` column on train
    reused: bool  # tokenized splits came from the cache
    tokenize_s: float  # getting them: tokenizing (QA: windows, offsets) or loading the cache entry
    scoring: Scoring  # the dataset's metrics and main metric
    cuda: bool
    memory: MemoryPeak
    model: object
    precision: str
    tf32: bool
    inputs: list[str]  # the model's input columns
    collator: CountingCollator
    clock: StepClock
    evaluating: bool  # validation during training (the final model is scored on it either way)
    scratch: Path


def run(trial: Trial, ctx: TrialContext) -> MethodOutcome:
    """Fine-tune `trial.model` on `trial.dataset` with the trial's scheduler and seed; score
    validation and test in row order."""
    p = prepare(trial, ctx)
    trainer = make_trainer(trial, ctx, p)
    with keep_freed_memory(active=not p.cuda) as allocator:  # glibc keeps freed memory (harness.cpu)
        try:
            timing = train(trainer, p)
            model = trainer.model
            metrics, test, timing = score(trial, ctx, p, model, timing)
            saved = save(trial, ctx, p, trainer)
            keep_for_runtimes(trial, ctx, trainer, p.tokenizer)  # harness.runtimes: export source
        finally:
            shutil.rmtree(p.scratch, ignore_errors=True)
    return MethodOutcome(metrics=metrics, test_label_ids=test["y_true"],
                         test_predictions=test["y_pred"], test_probabilities=test["probs"],
                         timing=timing, log_history=list(trainer.state.log_history),
                         model_facts=model_facts(model), precision=p.precision, model_dir=saved,
                         cache_hits={"tokenized": p.reused}, allocator=allocator)


def prepare(trial: Trial, ctx: TrialContext) -> Prepared:
    """Data, tokenized splits (cached), the model with a new head (seeded), collator, clocks."""
    spec, training = trial.model, ctx.training(trial)
    data = ctx.prepared(trial.dataset)
    tokenizer = load_tokenizer(spec, ctx)
    started = time.perf_counter()
    splits, reused = tokenized_splits(spec, trial.dataset, tokenizer, ctx)
    tokenize_s = time.perf_counter() - started
    cuda = torch.cuda.is_available()
    memory = MemoryPeak(cuda)
    set_seed(trial.seed)  # before model init: the new head's weights depend on it
    model = data.task.head(model_source(spec), data.info, trust_remote_code=spec.trust_remote_code)
    precision = resolve_precision(spec.dtype)
    tf32 = speedups.enable_tf32()
    inputs = speedups.model_inputs(model, splits["train"].column_names)
    pad = data.task.collator(tokenizer, speedups.pad_multiple(cuda, training.torch_compile))
    collator = CountingCollator(pad, inputs)
    return Prepared(
        training=training, data=data, tokenizer=tokenizer, splits=splits, reused=reused,
        tokenize_s=tokenize_s, scoring=ctx.scoring(trial.dataset), cuda=cuda,
        memory=memory, model=model, precision=precision, tf32=tf32, inputs=inputs,
        collator=collator, clock=StepClock(cuda, memory),
        evaluating=training.eval_strategy != "no" and "validation" in splits,
        scratch=ctx.scratch / trial.trial_id)


def training_arguments(trial: Trial, ctx: TrialContext, p: Prepared) -> TrainingArguments:
    """The suite's training settings as TrainingArguments for this trial."""
    training = p.training
    best_metric = training.metric_for_best_model or p.scoring.main
    return TrainingArguments(
        output_dir=str(p.scratch), seed=trial.seed, data_seed=trial.seed,
        num_train_epochs=training.epochs, max_steps=training.max_steps or -1,
        learning_rate=training.learning_rate, weight_decay=training.weight_decay,
        per_device_train_batch_size=training.batch_size,
        per_device_eval_batch_size=training.eval_batch_size,
        gradient_accumulation_steps=training.gradient_accumulation_steps,
        max_grad_norm=training.max_grad_norm,
        warmup_steps=training.warmup_steps if training.warmup_steps is not None else training.warmup_ratio,
        lr_scheduler_type=trial.scheduler,
        lr_scheduler_kwargs=training.lr_scheduler_kwargs.get(trial.scheduler, {}),
        eval_strategy=training.eval_strategy if p.evaluating else "no",
        eval_steps=training.eval_steps,
        save_strategy=training.eval_strategy if training.load_best_model_at_end else "no",
        save_steps=training.eval_steps, save_total_limit=1 if training.load_best_model_at_end else None,
        load_best_model_at_end=training.load_best_model_at_end and p.evaluating,
        metric_for_best_model=best_metric if training.load_best_model_at_end else None,
        greater_is_better=p.scoring.greater_is_better(best_metric)
        if training.load_best_model_at_end else None,
        bf16=p.precision == "bf16", fp16=p.precision == "fp16", tf32=p.tf32 or None,
        # bf16 without a GPU: Trainer refuses it ("doesn't support bf16/gpu") unless use_cpu
        use_cpu=p.precision == "bf16" and not p.cuda and not torch.backends.mps.is_available(),
        logging_nan_inf_filter=False,  # a NaN loss must show, not be averaged away
        logging_strategy="steps", logging_steps=training.logging_steps, logging_first_step=True,
        report_to=ctx.reporting.report_to if ctx.reporting else "none",
        run_name=ctx.reporting.run_name if ctx.reporting else None, disable_tqdm=not (ctx.verbose or sys.stderr.isatty()),
        save_only_model=True, dataloader_pin_memory=p.cuda,
        # Length-grouped training batches (LengthGroupedTrainer): the `length` column feeds the
        # sampler, so Trainer must not drop it (the collator keeps only the model's inputs).
        length_column_name=LENGTH,
        remove_unused_columns=False, torch_compile=training.torch_compile,
    )


def make_trainer(trial: Trial, ctx: TrialContext, p: Prepared) -> LengthGroupedTrainer:
    """Trainer with length-grouped batches, validation metrics and the harness callbacks."""
    data = p.data

    def trainer_metrics(eval_pred):  # validation rows in order (LengthGroupedTrainer)
        logits = eval_pred.predictions[0] if isinstance(eval_pred.predictions, tuple) \
            else eval_pred.predictions
        scores = p.scoring.score(data.task.decode_split(
            logits, p.splits["validation"], data.splits["validation"], data.info,
            y_true=eval_pred.label_ids))
        return {k: v for k, v in scores.items() if v is not None}

    # Ctrl-C, NaN/inf, faults, a search's pruner; timing
    callbacks = trainer_callbacks(trial, ctx.stop, ctx.pruning) + [p.clock]
    if p.training.early_stopping_patience and p.evaluating:
        callbacks.append(EarlyStoppingCallback(
            early_stopping_patience=p.training.early_stopping_patience))
    # Validation rows lose `length`: the collator counts only training batches (those with it).
    validation = p.splits["validation"].remove_columns(LENGTH) if p.evaluating else None
    trainer = LengthGroupedTrainer(model=p.model, args=training_arguments(trial, ctx, p),
                                   train_dataset=p.splits["train"], eval_dataset=validation,
                                   processing_class=p.tokenizer, data_collator=p.collator,
                                   compute_metrics=trainer_metrics, callbacks=callbacks,
                                   preprocess_logits_for_metrics=lambda logits, _: data.task
                                   .eval_logits(logits))
    if not ctx.verbose:
        trainer.remove_callback(PrinterCallback)  # the log history goes into the record instead
    if ctx.reporting:
        guard_reporting(trainer, ctx.reporting)  # a tracker that raises never fails the trial
    return trainer


def train(trainer: LengthGroupedTrainer, p: Prepared) -> dict:
    """Train; raise Diverged on a non-finite loss. The steady-state training timing."""
    train_out = trainer.train()
    if not math.isfinite(train_out.training_loss) or any(
            not math.isfinite(e["loss"]) for e in trainer.state.log_history if "loss" in e):
        raise Diverged(f"training loss became {train_out.training_loss}")
    batches_per_epoch = math.ceil(len(p.splits["train"]) / p.training.batch_size)
    return {"train_runtime_s": p.clock.wall_s,
            **steady_state(p.clock, p.collator.train, batches_per_epoch,
                           p.training.gradient_accumulation_steps),
            "padding_share_train": p.collator.train.padding_share()}


def score(trial: Trial, ctx: TrialContext, p: Prepared, model,
          timing: dict) -> tuple[dict, dict, dict]:
    """(metrics per split, test {y_true, y_pred, probs} in row order, timing): validation (when
    evaluating) and test in length-sorted batches put back in row order, then latency, MFU and
    peak memory."""
    training, task, info = p.training, p.data.task, p.data.info
    autocast = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(p.precision) if p.cuda else None

    def infer(split):
        return eval_order.predict_rows(model, p.splits[split], p.collator.pad, p.inputs,
                                       training.eval_batch_size, autocast_dtype=autocast,
                                       memory=p.memory, outputs=task.outputs)

    decode_s = 0.0

    def decoded(split, inference):  # outputs are in the split's row order
        nonlocal decode_s
        started = time.perf_counter()
        out = task.decode_split(inference.logits, p.splits[split], p.data.splits[split], info)
        decode_s += time.perf_counter() - started
        return out

    metrics, passes = {}, []
    if "validation" in p.splits:  # every trial: what selection among configurations reads
        val = infer("validation")
        passes.append(val)
        metrics["validation"] = p.scoring.score(decoded("validation", val))
        timing.update(eval_runtime_s=val.seconds, eval_samples_per_s=val.samples_per_s)
    test = infer("test")
    passes.append(test)
    predicted = decoded("test", test)
    metrics["test"] = p.scoring.score(predicted)
    timing.update(test_runtime_s=test.seconds, test_samples_per_s=test.samples_per_s)
    timing.update(eval_order.inference_timing(model, p.splits["test"], p.collator.pad, p.inputs,
                                              test, passes, autocast, trial.seed, task.outputs))
    timing.update(peak_flops.mfu_timing(model, timing, test,
                                        speedups.mfu_dtype(p.precision, p.cuda, p.tf32), p.cuda))
    timing["peak_memory_mb"] = p.memory.megabytes()
    timing.update(tokenize_s=p.tokenize_s, decode_s=decode_s)
    return metrics, {"y_true": predicted.y_true, "y_pred": predicted.y_pred,
                     "probs": predicted.probs}, timing


def save(trial: Trial, ctx: TrialContext, p: Prepared, trainer) -> str | None:
    """Keep model + tokenizer under models/<trial_id> when save_model is on; its relative path."""
    spec = trial.model
    if not (spec.save_model if spec.save_model is not None else p.training.save_model):
        return None
    out = ctx.store.model_dir(trial.trial_id)
    trainer.save_model(str(out))
    p.tokenizer.save_pretrained(str(out))
    return out.relative_to(ctx.store.root).as_posix()


def tokenized_splits(spec, dataset, tokenizer, ctx: TrialContext) -> tuple[dict, bool]:
    """(splits, reused): each split tokenized once per (tokenizer, data, max_length), no padding,
    from the on-disk cache (tokenize_cache) when an earlier trial or run made it."""
    memo = ctx.cached("tokenized-splits", dict)
    length = dataset.max_length_for(spec)
    key = (spec.display_name, dataset.name, length)
    if key in memo:
        return memo[key], True
    data = ctx.prepared(dataset)
    splits, hit = tokenize_splits(data.splits, tokenizer, length,
                                  cache_root(ctx.store.root), data.task, label=dataset.name,
                                  info=data.info)
    memo[key] = splits
    return splits, hit


def model_facts(model) -> dict:
    cfg = model.config
    return {"model_type": getattr(cfg, "model_type", None),
            "parameters": int(model.num_parameters()),
            "layers": getattr(cfg, "num_hidden_layers", None),
            "hidden_size": getattr(cfg, "hidden_size", None),
            "vocab_size": getattr(cfg, "vocab_size", None),
            "max_position_embeddings": getattr(cfg, "max_position_embeddings", None)}
