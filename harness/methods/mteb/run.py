"""mteb: one MTEB task (by name, or local from the suite) evaluated on one model by
`mteb.evaluate`. mteb's own result JSON stays in the results dir (<dir>/mteb/results/...), named in
the record's artifacts; its main_score and every numeric score of each eval split go into
record.metrics[split]. A retrieval or reranking task encodes through the on-disk embeddings
cache and searches exactly or through FAISS (search.py); its per-query scores and worst queries
go to <dir>/mteb/queries/<trial_id>.json (per_query.py); an STS or pair-classification task's
per-pair similarities and gold to <dir>/mteb/pairs/<trial_id>.json (per_pair.py)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from harness.methods.base import MethodOutcome
from harness.methods.context import TrialContext
from harness.methods.mteb.encoder import mteb_encoder
from harness.methods.mteb.per_pair import PAIR_TYPES, save_pairs
from harness.methods.mteb.per_query import QueryView
from harness.methods.mteb.runtime_encoder import TimedEncoder
from harness.methods.mteb.tasks import build_task
from harness.models.files import model_facts
from harness.models.load import model_source
from harness.runtimes.catalog import RUNTIMES
from harness.trial import Trial


def run(trial: Trial, ctx: TrialContext) -> MethodOutcome:
    """`mteb.evaluate` of the trial's task on its model; every numeric score per eval split."""
    import warnings

    import mteb

    from harness.models.load import device_name

    if not ctx.verbose:  # mteb 2.26 calls sentence-transformers 6 APIs it deprecated
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"mteb\.")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"mteb\.")

    spec, task_spec = trial.model, trial.dataset
    material = trial.key_material
    method = trial.method_spec
    task = build_task(task_spec, material["task"].get("fingerprint"))
    device = device_name()
    log: list[dict] = []
    runtime_facts = None
    if trial.runtime:  # the same pipeline through ONNX Runtime, OpenVINO or bf16 (runtime_encoder)
        encoder, pooling, runtime_facts = runtime_mteb_encoder(trial, ctx, device, log)
    else:
        encoder, pooling = ctx.cached(("mteb-encoder", spec.display_name, method.pooling),
                                      lambda: mteb_encoder(spec, material["model"], method.pooling,
                                                           device))
    encoder = TimedEncoder(encoder)  # texts/s of every encode call, torch and runtimes alike
    searching = task.metadata.type in ("Retrieval", "Reranking")
    view = None
    model = encoder
    if searching:
        model = search_model(encoder, task, trial, ctx, pooling, log)
        view = QueryView(task, task.metadata.main_score)
    cache = mteb.ResultCache(cache_path=ctx.store.root / "mteb")
    pairs = None
    if task.metadata.type in PAIR_TYPES:  # per-pair similarities: the paired test (per_pair.py)
        pairs = ctx.store.root / "mteb" / "predictions" / trial.trial_id
        shutil.rmtree(pairs, ignore_errors=True)
        task.load_data()  # loaded here, mteb leaves it loaded: each pair's gold is read after
    t0 = time.perf_counter()
    # "always": harness already decided this trial must run (no ok record for its key).
    encode_kwargs = {"batch_size": method.batch_size}
    if searching:  # else mteb's "Searching corpus" bar shows even without show_progress_bar
        encode_kwargs["show_progress_bar"] = ctx.verbose
    result = mteb.evaluate(model, task, cache=cache, overwrite_strategy="always",
                           encode_kwargs=encode_kwargs, show_progress_bar=ctx.verbose,
                           prediction_folder=pairs)
    seconds = time.perf_counter() - t0
    if result.exceptions:
        raise RuntimeError(f"mteb failed on {task_spec.name}: {result.exceptions[0]}")
    task_result = result.task_results[0]
    metrics = {}
    for split, subsets in task_result.scores.items():
        scores = subsets[0] if len(subsets) == 1 else _mean_over_subsets(subsets)
        metrics[split] = {k: float(v) for k, v in scores.items()
                          if isinstance(v, (int, float)) and not isinstance(v, bool)}
    eval_split = task.metadata.eval_splits[0]
    path = cache.get_task_result_path(task.metadata.name, encoder.mteb_model_meta)
    artifacts = {"mteb_result": path.relative_to(ctx.store.root).as_posix()}
    if view is not None and view.views:
        artifacts["queries"] = save_views(ctx, trial, view.views, eval_split)
    if pairs is not None:
        out = ctx.store.root / "mteb" / "pairs" / f"{trial.trial_id}.json"
        found = sorted(pairs.glob("*_predictions.json"))
        if found and save_pairs(task, found[0], out, trial.trial_id):
            artifacts["pairs"] = out.relative_to(ctx.store.root).as_posix()
        shutil.rmtree(pairs, ignore_errors=True)  # its content is in the pairs file
    encodes = [e for e in log if "encode" in e]
    timing = {"eval_runtime_s": seconds, "encode_samples_per_s": encoder.rate()}
    if runtime_facts is not None:
        timing["model_size_mb"] = runtime_facts.pop("model_size_mb")
    return MethodOutcome(
        metrics=metrics, test_label_ids=None, test_predictions=None,
        timing=timing, log_history=log,
        model_facts=model_facts(Path(model_source(spec))),
        precision=RUNTIMES[trial.runtime].precision if trial.runtime else "float32",
        artifacts=artifacts, runtime=runtime_facts,
        cache_hits={"embeddings": all(e["cache_hit"] for e in encodes)} if encodes else {},
        embedding={"pooling": pooling, "task_type": task.metadata.type,
                   "main_score_name": task.metadata.main_score, "eval_split": eval_split})


def search_model(encoder, task, trial: Trial, ctx: TrialContext, pooling: str, log: list):
    """The encoder behind the embeddings cache, wrapped for mteb's search with an exact or a
    FAISS index (search: auto picks FAISS for faiss_from passages and faiss_from_queries
    queries on)."""
    from harness.fingerprint import package_versions
    from harness.methods.mteb.search import CachedEncoder, ExactIndex, FaissIndex, search_wrapper
    from harness.models.embedding_cache import EmbeddingCache

    method = trial.method_spec
    identity = {"model": trial.key_material["model"], "pooling": pooling,
                "packages": package_versions(("torch", "transformers", "sentence-transformers"))}
    if trial.runtime:  # a runtime's vectors are its own: never read torch's from the cache
        identity["runtime"] = trial.key_material["runtime"]
    cached = CachedEncoder(encoder, EmbeddingCache(ctx.store.root / "cache" / "embeddings"),
                           identity, log)
    similarity = _similarity(encoder)
    passages, queries = _largest_split(task)
    use_faiss = task.metadata.type == "Retrieval" and (
        method.search == "faiss" or (method.search == "auto" and passages >= method.faiss_from
                                     and queries >= method.faiss_from_queries))
    if use_faiss:
        try:
            import faiss  # noqa: F401
        except ImportError:
            raise RuntimeError(f"{task.metadata.name}: FAISS search (search {method.search}; "
                               f"{passages:,} passages, {queries:,} queries) needs faiss: "
                               "pip install 'harness[faiss]'") from None
        backend = FaissIndex(similarity, log, method.faiss_index, method.faiss_params)
    else:
        backend = ExactIndex(similarity, log)
    return search_wrapper(cached, backend)


def runtime_mteb_encoder(trial: Trial, ctx: TrialContext, device: str, log: list):
    """(encoder through the trial's runtime, pooling, RuntimeFacts fields): a fresh
    SentenceTransformer per trial (its forward is replaced), with a ModelMeta revision of its
    own so mteb's result file never overwrites the torch trial's."""
    import torch

    from harness.methods.mteb.encoder import model_revision
    from harness.methods.mteb.runtime_encoder import export_key, through_runtime

    spec, method, material = trial.model, trial.method_spec, trial.key_material
    encoder, pooling = mteb_encoder(spec, material["model"], method.pooling, device)
    encoder.mteb_model_meta = encoder.mteb_model_meta.model_copy(update={
        "revision": model_revision({**material["model"], "runtime": material["runtime"]})})
    key = export_key(material["model"], pooling)
    threads = torch.get_num_threads()
    facts = through_runtime(encoder, trial.runtime, ctx.store.root, key, threads, log)
    rt = material["runtime"]
    return encoder, pooling, {
        "name": trial.runtime, "precision": rt["precision"], "source_trial_id": trial.after,
        "source_key": material["source_key"], "packages": rt["packages"],
        "quantization": rt["quantization"], "threads": threads,
        "compiled_precision": facts["compiled_precision"], "model_size_mb": facts["model_size_mb"],
        "export": [e for e in log if "export" in e]}


def _similarity(encoder) -> str:
    fn = encoder.mteb_model_meta.similarity_fn_name
    value = str(getattr(fn, "value", fn) or "cosine")
    if value not in ("cosine", "dot", "euclidean"):
        raise RuntimeError(f"retrieval search does not support the similarity {value!r}")
    return value


def _largest_split(task) -> tuple[int, int]:
    """(passages, queries) of the split whose exact search scores the most pairs (loads the
    task's data; mteb.evaluate then finds it loaded)."""
    task.load_data()
    task.convert_v1_dataset_format_to_v2(num_proc=None)
    sizes = [(len(split["corpus"]), len(split["queries"])) for subsets in task.dataset.values()
             for split in subsets.values()]
    return max(sizes, key=lambda s: s[0] * s[1], default=(0, 0))


def save_views(ctx: TrialContext, trial: Trial, views: list[dict], eval_split: str) -> str:
    from harness.store.files import atomic_write_json

    path = ctx.store.root / "mteb" / "queries" / f"{trial.trial_id}.json"
    atomic_write_json(path, {"task": trial.dataset.name, "model": trial.model.display_name,
                             "eval_split": eval_split, "views": views})
    return path.relative_to(ctx.store.root).as_posix()


def _mean_over_subsets(subsets: list[dict]) -> dict:
    """A multilingual task reports one score dict per language subset: mean of each score."""
    keys = [k for k, v in subsets[0].items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return {k: sum(s[k] for s in subsets) / len(subsets) for k in keys}
