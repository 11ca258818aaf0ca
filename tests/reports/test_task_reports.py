"""Reports of regression and multiple-choice datasets from results dirs written through the store
(no training): the learned-nothing test by correlation, the train-mean row, lower-is-better
bold for MSE, and the overview across datasets with a published reference row."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import yaml

from harness.reports.assemble import Options, build_report
from harness.reports.render import json_text, markdown
from harness.store.record import Environment, Timing, TrialRecord
from harness.store.store import ResultsStore


def _env() -> Environment:
    return Environment(python="3.11", platform="test", harness="0.1.0", packages={},
                       device="cpu", precision="float32", cpu_count=2)


def _record(store, i, method, dataset, task, seed, y, pred, metrics, main, model="m",
            labels=()) -> dict:
    trial_id = f"t{i:03d}"
    rel = store.write_predictions(trial_id, y, pred)
    rec = TrialRecord(key=f"k{i}", trial_id=trial_id, run_id="r", suite_name="s", status="ok",
                      method=method, model_name=None if method == "majority" else model,
                      dataset_name=dataset, scheduler=None if method == "majority" else "linear",
                      seed=None if method == "majority" else seed, config={}, task_type=task,
                      metrics={"test": metrics}, main_metric=main, label_names=list(labels),
                      data_facts={"train": {"rows": 100, "score_mean": 2.5}},
                      timing=Timing(total_wall_s=1.0), environment=_env(),
                      started_at="2026-01-01T00:00:00+00:00", finished_at="2026-01-01T00:00:01+00:00",
                      artifacts={"predictions": rel})
    store.write_record(rec)
    return {"trial_id": trial_id, "key": rec.key}


def _scores(y, p) -> dict:
    from harness.metrics.scores import mse, pearson, spearman

    return {"pearson": pearson(y, p), "spearman": spearman(y, p), "mse": mse(y, p)}


def write_mixed_run(root: Path, references: list | None = None) -> Path:
    """sts (regression): 'good' predicts y + noise, 'noise' predicts noise, the train mean;
    choice (multiple choice, 4 choices): 'good' right on 80 %, most frequent choice 25 %."""
    store = ResultsStore(root)
    rng = np.random.default_rng(1)
    y = rng.uniform(0, 5, 120).astype(np.float32)
    plan, i = [], 0
    for seed in (1, 2):
        good = (y + rng.normal(0, 0.8, y.size)).astype(np.float32)
        noise = rng.uniform(0, 5, y.size).astype(np.float32)
        plan.append(_record(store, i, "finetune", "sts", "regression", seed, y, good,
                            _scores(y, good), "pearson", model="good"))
        plan.append(_record(store, i + 1, "finetune", "sts", "regression", seed, y, noise,
                            _scores(y, noise), "pearson", model="noise"))
        i += 2
    mean = np.full(y.size, 2.5, np.float32)
    plan.append(_record(store, i, "majority", "sts", "regression", None, y, mean, _scores(y, mean),
                        "pearson"))
    i += 1
    c = np.arange(100) % 4
    for seed in (1, 2):
        pred = c.copy()
        wrong = rng.choice(100, 20, replace=False)
        pred[wrong] = (c[wrong] + 1) % 4
        plan.append(_record(store, i, "finetune", "choice", "multiple_choice", seed, c, pred,
                            {"accuracy": float((pred == c).mean())}, "accuracy", model="good",
                            labels=["0", "1", "2", "3"]))
        i += 1
    base = np.zeros(100, dtype=np.int64)
    plan.append(_record(store, i, "majority", "choice", "multiple_choice", None, c, base,
                        {"accuracy": float((base == c).mean())}, "accuracy",
                        labels=["0", "1", "2", "3"]))
    store.write_plan(plan)
    suite = {"name": "s", "metrics": [{"name": "accuracy"}], "datasets": [],
             "references": references or []}
    store.write_run("r", {}, yaml.safe_dump(suite))
    return root


def test_regression_rows_are_tested_by_correlation(tmp_path):
    report = build_report(write_mixed_run(tmp_path / "r"), Options(plots=False, n_boot=300))
    board = next(t for t in report.tables if t.key == "leaderboard")  # sts comes first
    rows = {d["model"] + "/" + d["method"]: d for d in board.data}
    assert not rows["good/finetune"]["learned_nothing"]
    assert rows["noise/finetune"]["learned_nothing"]
    assert "not shown to be above 0" in rows["noise/finetune"]["learned_nothing_reason"]
    text = {(r[1].text, r[2].text): [c.text for c in r] for r in board.rows}
    assert text[("-", "train mean")][4] == "—"  # its Pearson is undefined, never 0
    marks = {(r[1].text, r[2].text): [c.mark for c in r] for r in board.rows}
    assert marks[("good", "finetune")][6] == "best"  # mse: lowest is best
    assert any("train mean 2.5000" in n for n in board.notes)


def test_overview_has_one_column_per_dataset_metric_and_published_rows(tmp_path):
    refs = [{"label": "Paper model", "source": "Some paper, table 2", "split": "validation",
             "model": "good", "scores": {"sts": {"pearson": 0.9, "spearman": 0.88},
                                         "choice": {"accuracy": 0.85}}}]
    root = write_mixed_run(tmp_path / "r", refs)
    report = build_report(root, Options(plots=False, n_boot=300))
    overview = next(t for t in report.tables if t.key == "overview")
    assert overview.columns[2:5] == ["sts pearson", "sts spearman", "choice accuracy"]
    body = {r[0].text: r for r in overview.rows}
    assert body["good"][2].mark == "best" and body["good"][4].mark == "best"
    assert body["noise"][2].mark == "nothing" and "≈ majority" in body["noise"][2].text
    published = body["Paper model"]
    assert {c.mark for c in published[2:5]} == {"published"} and published[2].text == "0.9000"
    assert body["baseline (learned nothing)"][2].text == "—"
    notes = " ".join(overview.notes)
    assert "Δ vs published (Paper model, Some paper, table 2) for good" in notes
    assert "validation (dev) split" in notes and "chance is 1/4" in notes
    md = markdown(report)
    assert "*Paper model*" in md and "*published (Some paper, table 2)*" in md
    data = json.loads(json_text(report))
    assert data["tables"]["overview"][-1]["source"] == "Some paper, table 2"
