"""Results dirs written directly through the store (no training): records with chosen scores,
stored test predictions that produce them, failures, and hostile names for the HTML tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from harness.store.record import Environment, ErrorInfo, Timing, TrialRecord
from harness.store.store import ResultsStore

LABELS = ["sports", "food", "weather"]


def _env() -> Environment:
    return Environment(python="3.11", platform="test", harness="0.1.0", packages={"torch": "2.13.0"},
                       device="cpu", device_name="test-cpu", precision="float32", git_sha="a" * 40,
                       git_dirty=False, cpu_count=2)


def predictions_with_accuracy(y: np.ndarray, accuracy: float, rng) -> np.ndarray:
    """Predictions of y that are right on round(accuracy * n) random examples."""
    pred = y.copy()
    wrong = rng.choice(y.size, size=y.size - round(accuracy * y.size), replace=False)
    pred[wrong] = (y[wrong] + 1) % len(LABELS)
    return pred


def write_run(root: Path, rows: list[dict], *, name: str = "synthetic", n_test: int = 90,
              labels=LABELS, metrics=("accuracy",), main: str = "accuracy", seed: int = 0) -> Path:
    """rows: {model, scheduler, seed, accuracy | status/error, timing{}, configuration{},
    validation{metric: value}} -> a results dir. `seed`: which test examples each trial gets
    wrong (seeded: the same call writes the same dir)."""
    store = ResultsStore(root)
    rng = np.random.default_rng(seed)
    y = np.arange(n_test) % len(labels)
    plan = []
    for i, row in enumerate(rows):
        method = row.get("method", "finetune")
        trial_id = f"t{i:03d}"
        status = row.get("status", "ok")
        artifacts, scores = {}, {}
        if status == "ok":
            pred = (np.full_like(y, 0) if method == "majority"
                    else predictions_with_accuracy(y, row["accuracy"], rng))
            artifacts["predictions"] = store.write_predictions(
                trial_id, label_ids=y.astype("int32"), predictions=pred.astype("int32"))
            scores = {"test": {m: float((pred == y).mean()) if m == "accuracy"
                               else row[m] if m in row else _from_predictions(m, y, pred, labels)
                               for m in metrics}}
            if "validation" in row:  # {metric: value}: what selection reads
                scores["validation"] = dict(row["validation"])
        history = [{"step": s, "learning_rate": 1e-3 * (1 - s / 10), "loss": 1.0 / s}
                   for s in range(1, 10)] if method != "majority" else []
        record = TrialRecord(
            key=f"k{i}", trial_id=trial_id, run_id="r1", suite_name=name, status=status,
            error=ErrorInfo(type=row.get("error_type", "RuntimeError"), message=row["error"])
            if status != "ok" else None,
            method=method, model_name=row.get("model"), dataset_name=row.get("dataset", "topics"),
            scheduler=row.get("scheduler"), seed=row.get("seed"),
            config={"model": {"fingerprint": "dir:" + "b" * 64}, "dataset": {"fingerprint": "files:" + "c" * 64}},
            configuration=row.get("configuration", {}),
            metrics=scores, main_metric=main, label_names=list(labels),
            timing=Timing(total_wall_s=10.0, **row.get("timing", {})), log_history=history,
            environment=_env(), started_at="2026-01-01T00:00:00+00:00",
            finished_at="2026-01-01T00:01:00+00:00", artifacts=artifacts)
        store.write_record(record)
        plan.append({"key": record.key, "trial_id": trial_id, "label": trial_id})
    store.write_plan(plan)
    suite = {"name": name, "metrics": [{"name": m} for m in metrics], "main_metric": main,
             "datasets": [{"name": "topics", "positive_label": None}]}
    (root / "suite.resolved.yaml").write_text(yaml.safe_dump(suite), encoding="utf-8")
    return root


def _from_predictions(metric: str, y, pred, labels) -> float | None:
    """A registry metric of the stored predictions (what a trial would have recorded)."""
    from harness.metrics.registry import METRICS, MetricContext

    return METRICS[metric](y, pred, MetricContext(len(labels), None)) if metric in METRICS else None


def two_by_two(root: Path, model_names=("alpha", "beta"), **kw) -> Path:
    """2 models × 2 schedulers × 3 seeds + a majority baseline; alpha clearly better."""
    rows = []
    for m, base in zip(model_names, (0.9, 0.6)):
        for s, shift in (("linear", 0.0), ("cosine", 0.02)):
            for seed, noise in zip((1, 2, 3), (0.0, 0.011, -0.011)):
                rows.append({"model": m, "scheduler": s, "seed": seed, "accuracy": base + shift + noise,
                             "timing": {"train_samples_per_s": 100.0 if m == model_names[0] else 300.0}})
    rows.append({"method": "majority"})
    return write_run(root, rows, **kw)
