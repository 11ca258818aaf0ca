"""Full fine-tuning: AutoModelForSequenceClassification + Trainer, dynamic padding, the trial's
lr scheduler, seed set before model init, validation as configured, final test in row order."""

from __future__ import annotations

import math
import shutil
import sys

import numpy as np

from harness.data.load import LABEL, PAIR, TEXT
from harness.metrics.compute import compute_metrics
from harness.metrics.registry import MetricContext
from harness.plan.fingerprint import model_dir
from harness.suite.checks import JA_EXTRA
from harness.trials.outcome import Diverged, MethodOutcome


def model_source(spec) -> str:
    local = model_dir(spec)
    return str(local) if local is not None else spec.id


def load_tokenizer(spec, ctx):
    def make():
        from transformers import AutoTokenizer

        try:
            return AutoTokenizer.from_pretrained(model_source(spec), revision=spec.revision,
                                                 trust_remote_code=spec.trust_remote_code)
        except ImportError as e:  # a MeCab tokenizer without fugashi or its dictionary
            if any(name in str(e) for name in ("fugashi", "unidic", "ipadic")):
                raise ImportError(f"{spec.display_name}'s tokenizer needs fugashi and a MeCab "
                                  f"dictionary: {JA_EXTRA}") from e
            raise

    return ctx.cached(("tokenizer", spec.display_name), make)


def tokenized_splits(spec, dataset, tokenizer, ctx):
    """Each split tokenized once per (model tokenizer, dataset, max_length), no padding."""

    def make():
        data = ctx.prepared(dataset)

        def encode(batch):
            if PAIR not in batch:
                return tokenizer(batch[TEXT], truncation=True, max_length=spec.max_length)
            # BertJapaneseTokenizer leaves token_type_ids out unless asked, even for pairs;
            # Trainer drops them for models whose forward() does not take them.
            return tokenizer(batch[TEXT], batch[PAIR], truncation=True, max_length=spec.max_length,
                             return_token_type_ids=True)

        drop = [c for c in (TEXT, PAIR) if c in data.splits["train"].column_names]
        return data.splits.map(encode, batched=True, remove_columns=drop,
                               desc=f"tokenize {dataset.name}")

    return ctx.cached(("tokenized", spec.display_name, dataset.name, spec.max_length), make)


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
            "max_position_embeddings": getattr(cfg, "max_position_embeddings", None),
            "resolved_revision": getattr(cfg, "_commit_hash", None)}


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


def run(trial, ctx) -> MethodOutcome:
    import torch
    from transformers import (AutoModelForSequenceClassification, DataCollatorWithPadding,
                              EarlyStoppingCallback, PrinterCallback, Trainer, TrainingArguments,
                              set_seed)

    spec, training, suite = trial.model, ctx.training, ctx.suite
    data = ctx.prepared(trial.dataset)
    tokenizer = load_tokenizer(spec, ctx)
    splits = tokenized_splits(spec, trial.dataset, tokenizer, ctx)
    metric_ctx = MetricContext(data.num_labels, data.positive_label_id)

    def trainer_metrics(eval_pred):
        logits = eval_pred.predictions[0] if isinstance(eval_pred.predictions, tuple) \
            else eval_pred.predictions
        scores = compute_metrics(suite.metrics, eval_pred.label_ids, logits.argmax(-1), metric_ctx)
        return {k: v for k, v in scores.items() if v is not None}

    set_seed(trial.seed)  # before model init: the new head's weights depend on it
    model = AutoModelForSequenceClassification.from_pretrained(
        model_source(spec), revision=spec.revision, trust_remote_code=spec.trust_remote_code,
        num_labels=data.num_labels, id2label=dict(enumerate(data.label_names)),
        label2id={name: i for i, name in enumerate(data.label_names)})
    precision = resolve_precision(spec.dtype)
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
        bf16=precision == "bf16", fp16=precision == "fp16",
        logging_nan_inf_filter=False,  # a NaN loss must show, not be averaged away
        logging_strategy="steps", logging_steps=training.logging_steps, logging_first_step=True,
        report_to="none", disable_tqdm=not (ctx.verbose or sys.stderr.isatty()),
        save_only_model=True, dataloader_pin_memory=torch.cuda.is_available(),
    )
    callbacks = ctx.trainer_callbacks(trial)  # Ctrl-C, NaN/inf, fault injection
    if training.early_stopping_patience and evaluating:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=training.early_stopping_patience))
    trainer = Trainer(model=model, args=args, train_dataset=splits["train"],
                      eval_dataset=splits["validation"] if evaluating else None,
                      processing_class=tokenizer, data_collator=DataCollatorWithPadding(tokenizer),
                      compute_metrics=trainer_metrics, callbacks=callbacks)
    if not ctx.verbose:
        trainer.remove_callback(PrinterCallback)  # the log history goes into the record instead
    try:
        train_out = trainer.train()
        if not math.isfinite(train_out.training_loss) or any(
                not math.isfinite(e["loss"]) for e in trainer.state.log_history if "loss" in e):
            raise Diverged(f"training loss became {train_out.training_loss}")
        timing = {"train_runtime_s": train_out.metrics.get("train_runtime"),
                  "train_samples_per_s": train_out.metrics.get("train_samples_per_second"),
                  "train_steps_per_s": train_out.metrics.get("train_steps_per_second")}
        metrics = {}
        if evaluating:
            ev = trainer.evaluate()
            metrics["validation"] = _strip(ev, "eval_", suite)
            timing.update(eval_runtime_s=ev.get("eval_runtime"),
                          eval_samples_per_s=ev.get("eval_samples_per_second"))
        test = splits["test"]
        pred = trainer.predict(test, metric_key_prefix="test")
        y_true = np.asarray(test[LABEL], dtype=np.int64)
        if not np.array_equal(np.asarray(pred.label_ids), y_true):
            # The row-order trap: predictions must be stored in the test split's row order.
            raise RuntimeError("predict() returned rows out of the test split's order")
        logits = pred.predictions[0] if isinstance(pred.predictions, tuple) else pred.predictions
        probs = softmax(np.asarray(logits, dtype=np.float32))
        y_pred = probs.argmax(-1)
        metrics["test"] = compute_metrics(suite.metrics, y_true, y_pred, metric_ctx)
        timing.update(test_runtime_s=pred.metrics.get("test_runtime"),
                      test_samples_per_s=pred.metrics.get("test_samples_per_second"))
        saved = None
        if spec.save_model if spec.save_model is not None else training.save_model:
            out = ctx.store.model_dir(trial.trial_id)
            trainer.save_model(str(out))
            tokenizer.save_pretrained(str(out))
            saved = out.relative_to(ctx.store.root).as_posix()
        return MethodOutcome(metrics=metrics, test_label_ids=y_true, test_predictions=y_pred,
                             test_probabilities=probs, timing=timing,
                             log_history=list(trainer.state.log_history),
                             model_facts=_model_facts(model), precision=precision, model_dir=saved)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _strip(metrics: dict, prefix: str, suite) -> dict:
    names = [m.name for m in suite.metrics]
    return {n: metrics.get(prefix + n) for n in names}
