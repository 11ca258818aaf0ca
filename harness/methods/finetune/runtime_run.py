"""A fine-tune evaluated again through a runtime (harness.runtimes): its trained model, kept
right after training (`keep_for_runtimes`), exported once per runtime, predicts the same
tokenized validation and test splits; the same metrics, stored predictions and speed figures
as the torch trial. The training trial's record must be ok: a runtime never retrains."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from harness.methods.base import MethodOutcome
from harness.methods.context import TrialContext
from harness.runtimes import cache
from harness.runtimes.catalog import RUNTIMES
from harness.trial import Trial


def kept_model(ctx: TrialContext, trial: Trial) -> Path:
    """The source fine-tune's model: the export cache's copy, else its saved models/ dir."""
    source = ctx.store.read_record(trial.after)
    if source is None or source.key != trial.key_material["source_key"]:
        raise RuntimeError(f"the fine-tune {trial.after} has no record for this key: a runtime "
                           "trial evaluates a trained model and never trains one")
    if source.status != "ok":
        raise RuntimeError(f"the fine-tune {trial.after} ended {source.status}: no model to "
                           f"evaluate through {trial.runtime}")
    kept = cache.source_dir(ctx.store.root, source.key)
    if cache.complete(kept):
        return kept
    saved = source.artifacts.get("model")
    if saved and (ctx.store.root / saved / "config.json").is_file():
        return ctx.store.root / saved
    raise RuntimeError(f"the fine-tune {trial.after} kept no model (it ran before `runtimes` "
                       f"listed {trial.runtime}, with save_model off): delete its record to "
                       "train it again")


def run_runtime(trial: Trial, ctx: TrialContext) -> MethodOutcome:
    import torch

    from harness.methods.finetune.run import tokenized_splits
    from harness.models.load import load_tokenizer
    from harness.runtimes import export, measure, modules
    from harness.runtimes.session import open_runner

    kept = kept_model(ctx, trial)
    spec, training = trial.model, ctx.training(trial)
    data = ctx.prepared(trial.dataset)
    tokenizer = load_tokenizer(spec, ctx)  # the tokenizer the fine-tune used: same token ids
    splits, reused = tokenized_splits(spec, trial.dataset, tokenizer, ctx)
    loaded: dict = {}

    def model():  # the task type's head, as the fine-tune trained it
        if "model" not in loaded:
            import transformers

            head = getattr(transformers, data.task.head_class)
            loaded["model"] = head.from_pretrained(str(kept)).eval()
        return loaded["model"]

    names = [n for n in modules.INPUTS if n in splits["test"].column_names]
    rows = {split: _rows(ds, names) for split, ds in splits.items() if split != "train"}
    pad = measure.tokenizer_pad(tokenizer)
    threads = torch.get_num_threads()
    memory = measure.RssPeak()
    log: list[dict] = []
    name = trial.runtime

    def logits_module():  # the kept model's logits, with the inputs its forward takes
        return modules.logits(model()), _accepted(model(), names)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer and quantiser chatter; failures still raise
        if RUNTIMES[name].family == "torch":
            folder = kept
        else:
            what = export.Exportable(logits_module, "logits", {0: "batch"}, pad(rows["test"][:2]))
            root = cache.export_root(ctx.store.root) / trial.key_material["source_key"]
            folder = export.ensure(root, name, what, log)
        runner = open_runner(name, folder, threads, lambda: logits_module()[0],
                             _accepted(model(), names) if folder is kept else None)
    metrics, timing = {}, {}
    scoring = ctx.scoring(trial.dataset)

    def decoded(split, outputs):  # the one conversion: the task type's, as the torch trial's
        return data.task.decode(np.asarray(outputs, np.float32),
                                data.task.truth(data.splits[split], data.info), data.info)

    if "validation" in rows:
        val = measure.predict_rows(runner, rows["validation"], training.eval_batch_size, pad, memory)
        metrics["validation"] = scoring.score(decoded("validation", val.outputs))
        timing.update(eval_runtime_s=val.seconds, eval_samples_per_s=val.samples_per_s)
    test = measure.predict_rows(runner, rows["test"], training.eval_batch_size, pad, memory)
    predicted = decoded("test", test.outputs)
    metrics["test"] = scoring.score(predicted)
    latency = measure.latency_batch1(runner, rows["test"], trial.seed or 0, pad)
    timing.update(measure.speed_timing(test, latency, memory))
    timing["model_size_mb"] = cache.size_mb(folder, "model.*") if folder is not kept \
        else cache.size_mb(folder, "*.safetensors")
    material = trial.key_material["runtime"]
    source = ctx.store.read_record(trial.after)
    facts = source.model_facts.model_dump(exclude={"resolved_revision"}) \
        if source and source.model_facts else None
    return MethodOutcome(
        metrics=metrics, test_label_ids=predicted.y_true, test_predictions=predicted.y_pred,
        test_probabilities=predicted.probs,
        timing=timing, log_history=log, model_facts=facts, precision=RUNTIMES[name].precision,
        cache_hits={"tokenized": reused, "exported": all(e.get("reused") for e in log)}
        if log else {"tokenized": reused},
        runtime={"name": name, "precision": material["precision"],
                 "source_trial_id": trial.after, "source_key": trial.key_material["source_key"],
                 "packages": material["packages"], "quantization": material["quantization"],
                 "threads": threads, "compiled_precision": getattr(runner, "precision", None),
                 "export": log})


def _rows(dataset, names: list[str]) -> list[dict]:
    table = dataset[:]
    return [{k: table[k][i] for k in names} for i in range(len(table["input_ids"]))]


def _accepted(model, names: list[str]) -> list[str]:
    from harness.methods.finetune.speedups import model_inputs

    return [n for n in names if n in model_inputs(model, names)]
