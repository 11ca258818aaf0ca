"""A tiny suite with `tracking: [tensorboard, mlflow, wandb]`, read back with each library's own
reader; in the same run a second fine-tune whose TensorBoard folder is blocked by a file and
whose MLflow store refuses its training curves (an SQLite trigger): both trackers fail for real
mid-run, the trial and every record stay ok, and the records say which tracker failed and why."""

from __future__ import annotations

import math
import sqlite3

import psutil
import pytest
from conftest import tiny_suite
from tracker_readers import mlflow_history, mlflow_runs, tensorboard_scalars, wandb_run

from harness.cli import main
from harness.store.store import ResultsStore

pytest.importorskip("mlflow", reason="the [tracking] extra is not installed")
pytest.importorskip("wandb", reason="the [tracking] extra is not installed")
pytest.importorskip("tensorboard", reason="the [tracking] extra is not installed")
pytestmark = pytest.mark.slow  # trains two tiny fine-tunes (~15 s with the three trackers)

RUN_ID = "20260101T000000Z-test01"


@pytest.fixture(scope="module")
def tracked(tmp_path_factory, tiny_bert, english_data):
    from mlflow.tracking import MlflowClient

    from harness.plan.trials import build_plan
    from harness.suite.loader import load_suite

    root = tmp_path_factory.mktemp("tracked")
    suite = root / "suite.yaml"
    suite.write_text(tiny_suite(tiny_bert, english_data, seeds=(1, 2), epochs=1,
                                learning_rate="3.0e-3")
                     + "tracking: [tensorboard, mlflow, wandb]\n",
                     encoding="utf-8")
    results = root / "results"
    trials = {(t.method, t.seed): t.trial_id for t in build_plan(load_suite(suite).suite)}
    broken = trials[("finetune", 2)]
    # TensorBoard: the broken trial's event folder is a file (root ignores chmod).
    blocked = results / "tracking" / "tensorboard" / RUN_ID / broken
    blocked.parent.mkdir(parents=True)
    blocked.write_text("not a folder")
    # MLflow: a store that refuses the broken trial's training-loss rows.
    db = results / "tracking" / "mlflow.db"
    MlflowClient(f"sqlite:///{db}").create_experiment("tiny")
    with sqlite3.connect(db) as con:
        con.execute("CREATE TRIGGER broken BEFORE INSERT ON metrics WHEN NEW.key = 'loss' AND "
                    f"(SELECT name FROM runs WHERE run_uuid = NEW.run_uuid) = '{broken}' "
                    "BEGIN SELECT RAISE(ABORT, 'store broken'); END;")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("harness.runner.new_run_id", lambda: RUN_ID)
        code = main(["run", str(suite), "--results-dir", str(results)])
    records = {(r.method, r.seed): r for r in ResultsStore(results).records()}
    return code, results, records, broken


def test_every_trial_ok_and_tracked(tracked):
    code, _, records, broken = tracked
    assert code == 0
    assert {k: r.status for k, r in records.items()} == {
        ("finetune", 1): "ok", ("finetune", 2): "ok", ("majority", None): "ok"}
    for key, r in records.items():
        if r.trial_id != broken:
            assert {n: o.status for n, o in r.tracking.items()} == {
                "tensorboard": "ok", "mlflow": "ok", "wandb": "ok"}, (key, r.tracking)


def test_tensorboard_reads_curves_and_final_metrics(tracked):
    _, _, records, _ = tracked
    r = records[("finetune", 1)]
    scalars = tensorboard_scalars(r.tracking["tensorboard"].run)
    assert len(scalars["train/loss"]) == sum(1 for e in r.log_history if "loss" in e)
    for name, value in r.metrics["test"].items():  # event files hold float32
        assert scalars[f"test/{name}"][-1][1] == pytest.approx(value, abs=1e-6)
    majority = records[("majority", None)]  # a trial without training logs its metrics too
    scalars = tensorboard_scalars(majority.tracking["tensorboard"].run)
    assert scalars["test/accuracy"][-1][1] == pytest.approx(majority.metrics["test"]["accuracy"])


def test_mlflow_reads_one_run_per_trial(tracked):
    _, results, records, _ = tracked
    uri = f"sqlite:///{results / 'tracking' / 'mlflow.db'}"
    runs = mlflow_runs(uri, "tiny")
    parent = runs.pop(f"tiny {RUN_ID}")  # the suite run, every trial's run nested under it
    assert parent.data.tags["harness.role"] == "suite-run" and parent.info.status == "FINISHED"
    assert sorted(runs) == sorted(r.trial_id for r in records.values())
    assert {run.data.tags["mlflow.parentRunId"] for run in runs.values()} == {parent.info.run_id}
    r = records[("finetune", 1)]
    run = runs[r.trial_id]
    assert run.info.status == "FINISHED"
    assert {k: run.data.tags[k] for k in ("model", "dataset", "method", "scheduler", "seed")} == {
        "model": "tiny", "dataset": "topics", "method": "finetune", "scheduler": "linear", "seed": "1"}
    assert run.data.tags["harness.run_id"] == RUN_ID and run.data.tags["harness.key"] == r.key
    assert run.data.tags["harness.model_revision"] == r.config["model"]["fingerprint"]
    for name, value in r.metrics["test"].items():
        assert run.data.metrics[f"test/{name}"] == value  # float64: exactly the record's
    assert [v for _, v in mlflow_history(uri, run.info.run_id, "loss")] == pytest.approx(
        [e["loss"] for e in r.log_history if "loss" in e])
    assert run.data.params["harness.config.training.learning_rate"] == "0.003"


def test_wandb_offline_run_reads_back(tracked):
    _, _, records, _ = tracked
    r = records[("finetune", 1)]
    w = wandb_run(r.tracking["wandb"].run)
    assert (w["name"], w["group"], w["project"], w["exit_code"]) == (r.trial_id, RUN_ID, "tiny", 0)
    assert {"model:tiny", "method:finetune", "seed:1"} <= set(w["tags"])
    assert w["config"]["harness"]["key"] == r.key and w["config"]["harness"]["seed"] == "1"
    assert len(w["history"]["train/loss"]) == sum(1 for e in r.log_history if "loss" in e)
    for name, value in r.metrics["test"].items():
        assert w["summary"][f"test/{name}"] == value


def test_failing_trackers_are_recorded_and_the_trial_stays_ok(tracked):
    _, results, records, broken = tracked
    r = records[("finetune", 2)]
    assert r.trial_id == broken and r.status == "ok"
    assert all(math.isfinite(v) for v in r.metrics["test"].values())
    tb, ml, wb = r.tracking["tensorboard"], r.tracking["mlflow"], r.tracking["wandb"]
    assert tb.status == "failed" and tb.error.startswith("training: ") and "Error" in tb.error, tb
    assert ml.status == "failed" and ml.error.startswith("training: ") and "store broken" in ml.error
    assert wb.status == "ok"
    run = mlflow_runs(f"sqlite:///{results / 'tracking' / 'mlflow.db'}", "tiny")[broken]
    assert run.info.status == "FINISHED" and "test/accuracy" not in run.data.metrics


def test_failures_show_in_the_report_footer(tracked, capsys):
    _, results, _, broken = tracked
    assert main(["report", str(results), "--no-plots", "--bootstrap", "10"]) == 0
    out = capsys.readouterr().out
    assert f"- tracker tensorboard failed on {broken}" in out
    assert f"- tracker mlflow failed on {broken}" in out


def test_no_wandb_core_process_outlives_the_run(tracked):
    alive = [p for p in psutil.Process().children(recursive=True)
             if "wandb" in " ".join(p.cmdline()) and p.status() != psutil.STATUS_ZOMBIE]
    assert alive == []
