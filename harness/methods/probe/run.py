"""Probe: the encoder stays frozen; pooled hidden states of each split are the features of a light
scikit-learn classifier (its regression twin on a regression dataset: ridge for logistic
regression). Features come from the on-disk embedding cache when another classifier, seed or run
already computed them. Metrics and stored predictions are those of `finetune`."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from harness.data.load import PAIR, TEXT, column_values
from harness.methods.base import MethodOutcome
from harness.methods.context import TrialContext
from harness.methods.probe.classifiers import build_classifier, regressor_label
from harness.models.embedding_cache import EmbeddingCache, cache_key
from harness.models.files import model_facts
from harness.models.load import load_tokenizer, model_source, resolve_precision
from harness.tasks.base import Predictions
from harness.trial import Trial

_DTYPES = {"bf16": "bfloat16", "fp16": "float16", "float32": None}


def features(trial, split: str, ctx, precision: str,
             timing: dict | None = None) -> tuple[np.ndarray, bool, float]:
    """(rows, hidden) features of one split, whether they came from the cache, seconds spent.
    Encoding the test split adds its speed to `timing` (texts/s, batch-1 latency)."""
    spec, opts = trial.model, trial.key_material["method"]
    data = ctx.prepared(trial.dataset)
    ds = data.splits[split]
    key = cache_key(model=trial.key_material["model"], dataset=trial.key_material["dataset"],
                    split=split, pooling=opts["pooling"], layer=opts["layer"],
                    max_length=trial.dataset.max_length_for(spec), precision=precision)
    cache = EmbeddingCache(ctx.store.root / "cache" / "embeddings")
    t0 = time.perf_counter()
    cached = cache.load(key, len(ds))
    if cached is not None:
        return cached, True, time.perf_counter() - t0
    from harness.methods.probe.extract import embed, load_encoder

    encoder = ctx.cached(("encoder", spec.display_name, precision, opts["pooling"] == "pooler"),
                         lambda: load_encoder(model_source(spec),
                                              trust_remote_code=spec.trust_remote_code,
                                              dtype=_DTYPES[precision],
                                              need_pooler=opts["pooling"] == "pooler"))
    tokenizer = load_tokenizer(spec, ctx)
    pairs = column_values(ds, PAIR) if PAIR in ds.column_names else None
    texts, max_length = column_values(ds, TEXT), trial.dataset.max_length_for(spec)
    t1 = time.perf_counter()
    array = embed(encoder, tokenizer, texts, pairs, pooling=opts["pooling"], layer=opts["layer"],
                  max_length=max_length, batch_size=trial.method_spec.batch_size)
    if split == "test" and timing is not None:  # measured as every runtime's (runtime_features)
        from harness.methods.probe.runtime_features import torch_latency

        timing["encode_samples_per_s"] = len(texts) / max(time.perf_counter() - t1, 1e-9)
        timing.update(torch_latency(encoder, tokenizer, texts, pairs, pooling=opts["pooling"],
                                    layer=opts["layer"], max_length=max_length,
                                    seed=trial.seed or 0))
    cache.save(key, array)
    return array, False, time.perf_counter() - t0


def run(trial: Trial, ctx: TrialContext) -> MethodOutcome:
    """Features of every split (cached), the classifier fit on train (random_state = the seed),
    validation and test scored in row order. A runtime trial (trial.runtime) fits the same
    classifier on the same torch train features and scores validation and test from features
    made by the runtime (runtime_features.py)."""
    spec, opts = trial.model, trial.key_material["method"]
    data = ctx.prepared(trial.dataset)
    precision = resolve_precision(spec.dtype)
    feats, hits, log, speed = {}, [], [], {}
    through = None
    if trial.runtime:
        from harness.methods.probe.runtime_features import RuntimeFeatures

        through = RuntimeFeatures(trial, ctx)
    for split in data.splits:
        if through is not None and split != "train":
            feats[split], hit, seconds = through.features(split)
        else:
            feats[split], hit, seconds = features(trial, split, ctx, precision, speed)
        hits.append(hit)
        log.append({"embed_split": split, "rows": int(feats[split].shape[0]), "cache_hit": hit,
                    "seconds": round(seconds, 4)})
    regression = data.task.family == "scores"
    scoring = ctx.scoring(trial.dataset)
    y = {split: data.task.truth(ds, data.info) for split, ds in data.splits.items()}
    classifier = build_classifier(opts["classifier"], trial.seed, regression)
    t0 = time.perf_counter()
    classifier.fit(feats["train"], y["train"])
    fit_s = time.perf_counter() - t0
    metrics, test_s = {}, None
    probs = None
    for split in ("validation", "test"):
        if split not in feats:
            continue
        t1 = time.perf_counter()
        pred = classifier.predict(feats[split])
        pred = pred.astype(np.float32) if regression else pred
        split_probs = None if regression else _probabilities(classifier, feats[split],
                                                             data.num_labels)
        seconds = time.perf_counter() - t1
        metrics[split] = scoring.score(Predictions(y[split], pred, split_probs))
        if split == "test":
            test_pred, probs, test_s = pred, split_probs, seconds
    rows = len(y["test"])
    local = Path(model_source(spec))
    runtime = None
    if through is not None:
        speed, runtime = through.facts()
        precision = runtime["precision"]
        log += runtime["export"]
    return MethodOutcome(
        metrics=metrics, test_label_ids=y["test"], test_predictions=test_pred,
        test_probabilities=probs,
        timing={"train_runtime_s": fit_s,  # classifier fit only; features: log_history
                "test_runtime_s": test_s, "test_samples_per_s": rows / max(test_s, 1e-9),
                **speed},
        log_history=log, model_facts=model_facts(local), precision=precision,
        cache_hits={"embeddings": all(hits)}, runtime=runtime,
        embedding={"pooling": opts["pooling"], "layer": opts["layer"],
                   "classifier": (regressor_label(opts["classifier"]) if regression
                                  else trial.variant.split(", ", 1)[1] if trial.variant else None),
                   "task_type": data.task.name, "main_score_name": scoring.main,
                   "eval_split": "test"})


def _probabilities(classifier, x: np.ndarray, num_labels: int) -> np.ndarray | None:
    """Class probabilities over all labels (columns by label id), when the classifier has them."""
    if not hasattr(classifier, "predict_proba"):
        return None
    p = classifier.predict_proba(x)
    out = np.zeros((len(x), num_labels), dtype=np.float32)
    out[:, classifier.classes_] = p
    return out
