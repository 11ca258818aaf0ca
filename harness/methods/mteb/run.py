"""mteb: one MTEB task (by name, or local from the suite) evaluated on one model by
`mteb.evaluate`. mteb's own result JSON stays in the results dir (<dir>/mteb/results/...), named in
the record's artifacts; its main_score and every numeric score of each eval split go into
record.metrics[split]."""

from __future__ import annotations

import time
from pathlib import Path

from harness.methods.base import MethodOutcome
from harness.methods.context import TrialContext
from harness.methods.mteb.encoder import mteb_encoder
from harness.methods.mteb.tasks import build_task
from harness.models.files import model_facts
from harness.models.load import model_source
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
    encoder, pooling = ctx.cached(("mteb-encoder", spec.display_name, method.pooling),
                                  lambda: mteb_encoder(spec, material["model"], method.pooling, device))
    cache = mteb.ResultCache(cache_path=ctx.store.root / "mteb")
    t0 = time.perf_counter()
    # "always": harness already decided this trial must run (no ok record for its key).
    result = mteb.evaluate(encoder, task, cache=cache, overwrite_strategy="always",
                           encode_kwargs={"batch_size": method.batch_size},
                           show_progress_bar=ctx.verbose)
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
    return MethodOutcome(
        metrics=metrics, test_label_ids=None, test_predictions=None,
        timing={"eval_runtime_s": seconds}, model_facts=model_facts(Path(model_source(spec))),
        precision="float32", artifacts={"mteb_result": path.relative_to(ctx.store.root).as_posix()},
        embedding={"pooling": pooling, "task_type": task.metadata.type,
                   "main_score_name": task.metadata.main_score, "eval_split": eval_split})


def _mean_over_subsets(subsets: list[dict]) -> dict:
    """A multilingual task reports one score dict per language subset: mean of each score."""
    keys = [k for k, v in subsets[0].items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return {k: sum(s[k] for s in subsets) / len(subsets) for k in keys}
