"""Probe features through a runtime (harness.runtimes), and the encoder's speed measured the
same way for torch and every runtime.

A probe runtime trial evaluates its source trial's fitted probe with the features of the
evaluated splits (validation, test) made by the exported encoder: the classifier (or regressor)
is fitted exactly as the torch trial fits it (the same torch train features, the same seed),
then predicts from the runtime's features, as a fine-tune's runtime trial predicts through the
exported model that torch trained. What is exported: the frozen encoder's hidden states at the
probe's layer (`pooler`: its pooler output), once per model, layer and output (every dataset,
pooling and classifier shares it); pooling happens outside, as pooling.py pools (cls: the first
token; mean: over real tokens). Rows are tokenized as extract.embed tokenizes them and padded by
the tokenizer; features are cached under a key that holds the runtime's material, so a runtime
trial never reads torch's features, nor torch a runtime's.

Speed (both paths, whenever the test split is encoded rather than read from the cache): texts
encoded per second over the test split (tokenisation included) and batch-1 latency p50/p95 over
the same seeded rows (harness.runtimes.measure)."""

from __future__ import annotations

import time
import warnings

import numpy as np

from harness.data.load import PAIR, TEXT, column_values
from harness.models.embedding_cache import EmbeddingCache, cache_key
from harness.models.load import load_tokenizer, model_source
from harness.runtimes import cache, measure, modules
from harness.runtimes.catalog import RUNTIMES
from harness.trial import trial_key


def export_key(model_material: dict, layer: int, output: str) -> str:
    """What the export depends on: the model, the layer and which output (not the dataset,
    pooling or classifier)."""
    return trial_key({"model": model_material, "layer": layer, "output": output,
                      "export": "probe-encoder"})


def pool(hidden: np.ndarray, mask: np.ndarray, pooling: str) -> np.ndarray:
    """pooling.py's cls and mean on arrays ((rows, tokens, hidden), (rows, tokens)); `pooler`:
    the output is already pooled."""
    if pooling == "pooler":
        return hidden
    if pooling == "cls":
        return hidden[:, 0]
    weights = mask[..., None].astype(hidden.dtype)
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)


class Pooled:
    """A runner whose per-token output is pooled per row (what measure.predict_rows stores)."""

    def __init__(self, runner, pooling: str):
        self.runner, self.pooling = runner, pooling
        self.inputs = runner.inputs

    def run(self, batch: dict) -> np.ndarray:
        return pool(self.runner.run(batch), batch["attention_mask"], self.pooling)


def token_rows(tokenizer, texts: list[str], pairs: list[str] | None, max_length: int,
               inputs: list[str]) -> list[dict]:
    """Each row's token ids as extract.embed tokenizes them (token types asked for whenever the
    graph takes them: a single text's are all 0, the model's default), limited to `inputs`."""
    kwargs = {"return_token_type_ids": True} if "token_type_ids" in inputs else {}
    encoded = tokenizer(texts, pairs, truncation=True, max_length=max_length, **kwargs) \
        if pairs is not None else tokenizer(texts, truncation=True, max_length=max_length, **kwargs)
    return [{k: encoded[k][i] for k in inputs} for i in range(len(texts))]


def accepted_inputs(model) -> list[str]:
    import inspect

    params = inspect.signature(model.forward).parameters
    return [k for k in modules.INPUTS if k in params]


def feature_module(encoder, pooling: str, layer: int):
    """(module with one tensor out, output name) for a probe's pooling and layer."""
    if pooling == "pooler":
        return modules.pooler_output(encoder), "pooler_output"
    return modules.hidden_state(encoder, layer), "hidden_state"


def speed(runner, rows: list[dict], batch_size: int, seed: int, pad, seconds_before: float,
          memory=None) -> tuple[np.ndarray, dict]:
    """(pooled features in row order, timing fields): the length-sorted pass at the probe's
    batch size and batch-1 latency over the seeded rows."""
    t0 = time.perf_counter()
    result = measure.predict_rows(runner, rows, batch_size, pad, memory)
    seconds = seconds_before + time.perf_counter() - t0
    p50, p95 = measure.latency_batch1(runner, rows, seed, pad)
    timing = {"encode_samples_per_s": len(rows) / seconds if seconds else None,
              "latency_ms_p50_b1": p50, "latency_ms_p95_b1": p95}
    return result.outputs, timing


def torch_latency(encoder, tokenizer, texts, pairs, *, pooling: str, layer: int,
                  max_length: int, seed: int) -> dict:
    """Batch-1 latency of the torch encoder (the probe's own forward and pooling), measured as
    every runtime's is: the fields of a torch probe trial that encoded its test split; none on
    an accelerator (the runtimes run on the CPU; a GPU's single-row latency is not theirs)."""
    import torch

    from harness.runtimes.session import TorchRunner

    if next(encoder.parameters()).device.type != "cpu":
        return {}

    module, _ = feature_module(encoder, pooling, layer)
    inputs = accepted_inputs(encoder)
    runner = Pooled(TorchRunner("torch", module, inputs, torch.get_num_threads()), pooling)
    rows = token_rows(tokenizer, texts, pairs, max_length, inputs)
    p50, p95 = measure.latency_batch1(runner, rows, seed, measure.tokenizer_pad(tokenizer))
    return {"latency_ms_p50_b1": p50, "latency_ms_p95_b1": p95}


class RuntimeFeatures:
    """The features of a probe runtime trial's evaluated splits through its runtime (exported
    and opened on first need), with the speed of its test split and the facts its record keeps."""

    def __init__(self, trial, ctx):
        self.trial, self.ctx = trial, ctx
        self.name = trial.runtime
        self.opts = trial.key_material["method"]
        self.log: list[dict] = []
        self.timing: dict = {}
        self.runner = self.folder = None
        self.memory = measure.RssPeak()
        self.tokenizer = load_tokenizer(trial.model, ctx)
        self.pad = measure.tokenizer_pad(self.tokenizer)

    def _open(self) -> None:
        import torch

        from harness.methods.probe.extract import load_encoder
        from harness.runtimes import export
        from harness.runtimes.session import open_runner

        spec, pooling, layer = self.trial.model, self.opts["pooling"], self.opts["layer"]
        loaded: dict = {}

        def encoder():  # fp32 on the CPU: what every runtime exports or autocasts
            if "model" not in loaded:
                loaded["model"] = load_encoder(model_source(spec),
                                               trust_remote_code=spec.trust_remote_code,
                                               need_pooler=pooling == "pooler").to("cpu")
            return loaded["model"]

        def make():
            module, _ = feature_module(encoder(), pooling, layer)
            return module, accepted_inputs(encoder())

        threads = torch.get_num_threads()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer chatter; refusals still raise ExportFailed
            if RUNTIMES[self.name].family == "torch":
                self.runner = open_runner(self.name, None, threads, lambda: make()[0],
                                          accepted_inputs(encoder()))
            else:
                output = "pooler_output" if pooling == "pooler" else "hidden_state"
                example = self.tokenizer(["an example sentence", "two"], padding=True,
                                         return_token_type_ids=True, return_tensors="np")
                what = export.Exportable(
                    make, output, {0: "batch"} if pooling == "pooler" else {0: "batch", 1: "sequence"},
                    {k: np.asarray(v, dtype=np.int64) for k, v in example.items()})
                key = export_key(self.trial.key_material["model"], layer, output)
                self.folder = export.ensure(cache.export_root(self.ctx.store.root) / key,
                                            self.name, what, self.log)
                self.runner = open_runner(self.name, self.folder, threads)
        self.runner = Pooled(self.runner, pooling)

    def features(self, split: str) -> tuple[np.ndarray, bool, float]:
        """(rows, hidden) features of an evaluated split through the runtime, whether they came
        from the cache, seconds spent."""
        trial, ctx = self.trial, self.ctx
        spec, data = trial.model, ctx.prepared(trial.dataset)
        ds = data.splits[split]
        max_length = trial.dataset.max_length_for(spec)
        material = trial.key_material["runtime"]
        key = cache_key(model=trial.key_material["model"], dataset=trial.key_material["dataset"],
                        split=split, pooling=self.opts["pooling"], layer=self.opts["layer"],
                        max_length=max_length, precision=material["precision"], runtime=material)
        store = EmbeddingCache(ctx.store.root / "cache" / "embeddings")
        t0 = time.perf_counter()
        cached = store.load(key, len(ds))
        if cached is not None:
            return cached, True, time.perf_counter() - t0
        if self.runner is None:
            self._open()
        pairs = column_values(ds, PAIR) if PAIR in ds.column_names else None
        t1 = time.perf_counter()
        rows = token_rows(self.tokenizer, column_values(ds, TEXT), pairs, max_length,
                          self.runner.inputs)
        tokenize_s = time.perf_counter() - t1
        if split == "test":
            array, timing = speed(self.runner, rows, trial.method_spec.batch_size,
                                  trial.seed or 0, self.pad, tokenize_s, self.memory)
            self.timing.update(timing)
        else:
            array = measure.predict_rows(self.runner, rows, trial.method_spec.batch_size,
                                         self.pad, self.memory).outputs
        store.save(key, array)
        return array, False, time.perf_counter() - t0

    def facts(self) -> tuple[dict, dict]:
        """(timing fields, RuntimeFacts fields) of the trial."""
        from pathlib import Path

        material = self.trial.key_material["runtime"]
        timing = {**self.timing, "peak_memory_mb": self.memory.megabytes()}
        if self.folder is not None:
            timing["model_size_mb"] = cache.size_mb(self.folder, "model.*")
        elif self.runner is not None:  # torch-bf16: the model's own weights
            timing["model_size_mb"] = cache.size_mb(Path(model_source(self.trial.model)),
                                                    "*.safetensors") or None
        inner = getattr(self.runner, "runner", None)
        return timing, {
            "name": self.name, "precision": material["precision"],
            "source_trial_id": self.trial.after, "source_key": self.trial.key_material["source_key"],
            "packages": material["packages"], "quantization": material["quantization"],
            "threads": getattr(inner, "threads", None),
            "compiled_precision": getattr(inner, "precision", None), "export": self.log}
