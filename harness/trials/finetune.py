"""Full fine-tuning: AutoModelForSequenceClassification + Trainer, the trial's lr scheduler, seed
set before model init, validation as configured, final test in row order.

No wasted work: splits tokenized once and cached on disk (tokenize_cache), dynamic padding and
length-grouped training batches, evaluation in larger length-sorted batches with results put
back in row order (eval_order), bf16/TF32 where the GPU has them (speedups). Throughput
measured on the way (throughput, peak_flops) goes into the record's `timing`.
"""

from __future__ import annotations

import math
import shutil
import sys
from contextlib import ExitStack

import numpy as np

from harness.cpu import keep_freed_memory
from harness.data.load import LABEL, column_values
from harness.metrics.compute import compute_metrics
from harness.metrics.registry import MetricContext
from harness.plan.fingerprint import model_source
from harness.suite.checks import JA_EXTRA
from harness.trials.outcome import Diverged, MethodOutcome


def load_tokenizer(spec, ctx):
    def make():
        from transformers import AutoTokenizer

        try:
            return AutoTokenizer.from_pretrained(model_source(spec, weights=False),
                                                 trust_remote_code=spec.trust_remote_code)
        except ImportError as e:  # a MeCab tokenizer without fugashi or its dictionary
            if any(name in str(e) for name in ("fugashi", "unidic", "ipadic")):
                raise ImportError(f"{spec.display_name}'s tokenizer needs fugashi and a MeCab "
                                  f"dictionary: {JA_EXTRA}") from e
            raise

    return ctx.cached(("tokenizer", spec.display_name), make)


def tokenized_splits(spec, dataset, tokenizer, ctx):
    """(splits, reused): each split tokenized once per (tokenizer, data, max_length), no padding,
    from the on-disk cache (harness.trials.tokenize_cache) when an earlier trial or run made it."""
    from harness.trials.tokenize_cache import cache_root, tokenize_splits

    memo = ctx.cached("tokenized-splits", dict)
    key = (spec.display_name, dataset.name, spec.max_length)
    if key in memo:
        return memo[key], True
    splits, hit = tokenize_splits(ctx.prepared(dataset).splits, tokenizer, spec.max_length,
                                  cache_root(ctx.store.root), label=dataset.name)
    memo[key] = splits
    return splits, hit


def resolve_precision(dtype: str) -> str:
    import torch

    if dtype == "auto":
        if torch.cuda.is_available():
            return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
        return "float32"
    return {"float32": "float32", "bfloat16": "bf16", "float16": "fp16"}[dtype]


def _model_facts(model) -> dict:
    cfg = model.config
    return {"model_type": getattr(cfg, "model_type", None),
            "parameters": int(model.num_parameters()),
            "layers": getattr(cfg, "num_hidden_layers", None),
            "hidden_size": getattr(cfg, "hidden_size", None),
            "vocab_size": getattr(cfg, "vocab_size", None),
            "max_position_embeddings": getattr(cfg, "max_position_embeddings", None)}


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


def run(trial, ctx) -> MethodOutcome:
    import torch
    from transformers import (AutoModelForSequenceClassification, EarlyStoppingCallback,
                              PrinterCallback, TrainingArguments, set_seed)

    from harness.trials import eval_order, peak_flops, speedups
    from harness.trials.length_sampler import LengthGroupedTrainer
    from harness.trials.throughput import CountingCollator, MemoryPeak, StepClock, steady_state
    from harness.trials.tokenize_cache import LENGTH

    spec, training, suite = trial.model, ctx.training, ctx.suite
    data = ctx.prepared(trial.dataset)
    tokenizer = load_tokenizer(spec, ctx)
    splits, reused = tokenized_splits(spec, trial.dataset, tokenizer, ctx)
    metric_ctx = MetricContext(data.num_labels, data.positive_label_id)
    cuda = torch.cuda.is_available()
    memory = MemoryPeak(cuda)

    def trainer_metrics(eval_pred):
        logits = eval_pred.predictions[0] if isinstance(eval_pred.predictions, tuple) \
            else eval_pred.predictions
        scores = compute_metrics(suite.metrics, eval_pred.label_ids, logits.argmax(-1), metric_ctx)
        return {k: v for k, v in scores.items() if v is not None}

    set_seed(trial.seed)  # before model init: the new head's weights depend on it
    model = AutoModelForSequenceClassification.from_pretrained(
        model_source(spec), trust_remote_code=spec.trust_remote_code,
        num_labels=data.num_labels, id2label=dict(enumerate(data.label_names)),
        label2id={name: i for i, name in enumerate(data.label_names)})
    precision = resolve_precision(spec.dtype)
    tf32 = speedups.enable_tf32()
    inputs = speedups.model_inputs(model, splits["train"].column_names)
    collator = CountingCollator(tokenizer, inputs, speedups.pad_multiple(cuda, training.torch_compile))
    clock = StepClock(cuda, memory)
    evaluating = training.eval_strategy != "no" and "validation" in splits
    best_metric = training.metric_for_best_model or suite.main
    scratch = ctx.scratch / trial.trial_id
    args = TrainingArguments(
        output_dir=str(scratch), seed=trial.seed, data_seed=trial.seed,
        num_train_epochs=training.epochs, max_steps=training.max_steps or -1,
        learning_rate=training.learning_rate, weight_decay=training.weight_decay,
        per_device_train_batch_size=training.batch_size,
        per_device_eval_batch_size=training.eval_batch_size,
        gradient_accumulation_steps=training.gradient_accumulation_steps,
        max_grad_norm=training.max_grad_norm,
        warmup_steps=training.warmup_steps if training.warmup_steps is not None else training.warmup_ratio,
        lr_scheduler_type=trial.scheduler,
        lr_scheduler_kwargs=training.lr_scheduler_kwargs.get(trial.scheduler, {}),
        eval_strategy=training.eval_strategy if evaluating else "no",
        eval_steps=training.eval_steps,
        save_strategy=training.eval_strategy if training.load_best_model_at_end else "no",
        save_steps=training.eval_steps, save_total_limit=1 if training.load_best_model_at_end else None,
        load_best_model_at_end=training.load_best_model_at_end and evaluating,
        metric_for_best_model=best_metric if training.load_best_model_at_end else None,
        greater_is_better=True if training.load_best_model_at_end else None,
        bf16=precision == "bf16", fp16=precision == "fp16", tf32=tf32 or None,
        use_cpu=precision == "bf16" and not cuda and not torch.backends.mps.is_available(),  # CPU bf16 autocast
        logging_nan_inf_filter=False,  # a NaN loss must show, not be averaged away
        logging_strategy="steps", logging_steps=training.logging_steps, logging_first_step=True,
        report_to="none", disable_tqdm=not (ctx.verbose or sys.stderr.isatty()),
        save_only_model=True, dataloader_pin_memory=cuda,
        # Length-grouped training batches (LengthGroupedTrainer): the `length` column feeds the
        # sampler, so Trainer must not drop it (the collator keeps only the model's inputs).
        length_column_name=LENGTH,
        remove_unused_columns=False, torch_compile=training.torch_compile,
    )
    callbacks = ctx.trainer_callbacks(trial) + [clock]  # Ctrl-C, NaN/inf, fault injection; timing
    if training.early_stopping_patience and evaluating:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=training.early_stopping_patience))
    # Validation rows lose `length`: the collator counts only training batches (those with it).
    validation = splits["validation"].remove_columns(LENGTH) if evaluating else None
    trainer = LengthGroupedTrainer(model=model, args=args, train_dataset=splits["train"],
                                   eval_dataset=validation,
                                   processing_class=tokenizer, data_collator=collator,
                                   compute_metrics=trainer_metrics, callbacks=callbacks)
    if not ctx.verbose:
        trainer.remove_callback(PrinterCallback)  # the log history goes into the record instead
    freed_memory = ExitStack()  # glibc keeps freed memory while training on CPU (harness.cpu)
    allocator = freed_memory.enter_context(keep_freed_memory(active=not cuda))
    try:
        train_out = trainer.train()
        if not math.isfinite(train_out.training_loss) or any(
                not math.isfinite(e["loss"]) for e in trainer.state.log_history if "loss" in e):
            raise Diverged(f"training loss became {train_out.training_loss}")
        batches_per_epoch = math.ceil(len(splits["train"]) / training.batch_size)
        timing = {"train_runtime_s": clock.wall_s,
                  **steady_state(clock, collator.train, batches_per_epoch,
                                 training.gradient_accumulation_steps),
                  "padding_share_train": collator.train.padding_share()}
        autocast = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(precision) if cuda else None
        model = trainer.model

        def infer(split):
            return eval_order.predict_rows(model, splits[split], collator.pad, inputs,
                                           training.eval_batch_size, autocast_dtype=autocast,
                                           memory=memory)

        metrics, passes = {}, []
        if evaluating:
            val = infer("validation")
            passes.append(val)
            y_val = np.asarray(column_values(splits["validation"], LABEL), dtype=np.int64)
            metrics["validation"] = compute_metrics(suite.metrics, y_val, val.logits.argmax(-1),
                                                    metric_ctx)
            timing.update(eval_runtime_s=val.seconds, eval_samples_per_s=val.samples_per_s)
        test = infer("test")
        passes.append(test)
        # logits are in the test split's row order
        y_true = np.asarray(column_values(splits["test"], LABEL), dtype=np.int64)
        probs = softmax(test.logits)
        y_pred = probs.argmax(-1)
        metrics["test"] = compute_metrics(suite.metrics, y_true, y_pred, metric_ctx)
        timing.update(test_runtime_s=test.seconds, test_samples_per_s=test.samples_per_s)
        timing.update(eval_order.inference_timing(model, splits["test"], collator.pad, inputs, test,
                                                  passes, autocast, trial.seed))
        timing.update(peak_flops.mfu_timing(model, timing, test,
                                            speedups.mfu_dtype(precision, cuda, tf32), cuda))
        timing["peak_memory_mb"] = memory.megabytes()
        saved = None
        if spec.save_model if spec.save_model is not None else training.save_model:
            out = ctx.store.model_dir(trial.trial_id)
            trainer.save_model(str(out))
            tokenizer.save_pretrained(str(out))
            saved = out.relative_to(ctx.store.root).as_posix()
        return MethodOutcome(metrics=metrics, test_label_ids=y_true, test_predictions=y_pred,
                             test_probabilities=probs, timing=timing,
                             log_history=list(trainer.state.log_history),
                             model_facts=_model_facts(model), precision=precision, model_dir=saved,
                             cache_hits={"tokenized": reused}, allocator=allocator)
    finally:
        freed_memory.close()
        shutil.rmtree(scratch, ignore_errors=True)
