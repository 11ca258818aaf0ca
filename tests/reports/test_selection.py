"""Selection on validation from stored records (no training): the rules of
harness/reports/selection.py, the search table, the clipped intervals, empty tables left out and
compare flagging a changed selection."""

from __future__ import annotations

import csv
import io
import json

import pytest
from report_data import write_run

from harness.cli import main

LR = "learning_rate"


def _config_rows(model, lr, test_acc, val, seeds=(1, 2), **extra):
    """One configuration's seeds: test accuracy (from predictions) and a validation score."""
    return [{"model": model, "scheduler": "linear", "seed": s, "accuracy": test_acc + d,
             "configuration": {LR: lr}, "validation": {"accuracy": val + d}, **extra}
            for s, d in zip(seeds, (0.0, 0.011))]


def report(capsys, run, *argv) -> str:
    assert main(["report", str(run), "--no-plots", "--bootstrap", "100", *argv]) == 0
    return capsys.readouterr().out


def test_best_on_test_but_not_on_validation_is_not_chosen(tmp_path, capsys):
    """0.1 s: 1e-4 has the best test accuracy, 5e-5 the best validation accuracy: 5e-5 is
    reported, its test score in the leaderboard, both in the search table."""
    rows = _config_rows("m", 1e-5, 0.60, 0.70) + _config_rows("m", 5e-5, 0.70, 0.90) \
        + _config_rows("m", 1e-4, 0.95, 0.80) + [{"method": "majority"}]
    run = write_run(tmp_path / "run", rows)
    doc = json.loads(report(capsys, run, "--format", "json"))
    (row,) = [r for r in doc["tables"]["leaderboard"] if r["method"] == "finetune"]
    assert row["selected"] == "learning_rate=5e-05"
    assert row["accuracy"] == pytest.approx((63 + 64) / 2 / 90, abs=1e-9)  # 5e-5's test, not 1e-4's
    search = {r["configuration"][LR]: r for r in doc["tables"]["search"]}
    assert [lr for lr, r in search.items() if r["selected"]] == [5e-5]
    assert search[1e-4]["test_accuracy"] > search[5e-5]["test_accuracy"]  # shown, never chosen
    assert any(line.startswith("selection: on the validation split, metric accuracy")
               for line in doc["footer"])
    md = report(capsys, run)
    assert "| learning_rate=5e-05 " in md.split("\n## ")[0]
    assert "✓ selected" in md.split("configurations (validation accuracy chooses")[1]


def test_ties_failed_pruned_and_missing_seeds(tmp_path, capsys):
    """0.1 s: equal validation means go to the first in plan order; a failed, a pruned or a
    missing seed excludes a configuration even when its other seeds score best."""
    rows = _config_rows("tie", 2e-5, 0.7, 0.80) + _config_rows("tie", 1e-5, 0.8, 0.80)
    rows += _config_rows("bad", 1e-5, 0.7, 0.70)
    rows += [{"model": "bad", "scheduler": "linear", "seed": 1, "accuracy": 0.9,
              "configuration": {LR: 5e-5}, "validation": {"accuracy": 0.99}},
             {"model": "bad", "scheduler": "linear", "seed": 2, "status": "diverged",
              "configuration": {LR: 5e-5}, "error_type": "Diverged", "error": "loss became nan"}]
    rows += [{"model": "bad", "scheduler": "linear", "seed": 1, "status": "pruned",
              "configuration": {LR: 1e-4}, "error_type": "Pruned", "error": "median pruner"}]
    rows += [{"model": "bad", "scheduler": "linear", "seed": 1, "accuracy": 0.95,
              "configuration": {LR: 2e-4}, "validation": {"accuracy": 0.98}}]
    run = write_run(tmp_path / "run", rows + [{"method": "majority"}])
    doc = json.loads(report(capsys, run, "--format", "json"))
    chosen = {r["model"]: r["selected"] for r in doc["tables"]["leaderboard"]}
    assert chosen["tie"] == "learning_rate=2e-05"  # first in plan order
    assert chosen["bad"] == "learning_rate=1e-05"  # the only one with every seed ok
    why = {(r["model"], r["configuration"][LR]): r["excluded"] for r in doc["tables"]["search"]}
    assert why[("bad", 5e-5)] == "seed 2 diverged"
    assert why[("bad", 1e-4)] == "pruned"
    assert why[("bad", 2e-4)] == "seed 2 not run"
    assert why[("bad", 1e-5)] is None


def test_no_configuration_left_says_why(tmp_path, capsys):
    rows = [{"model": "m", "scheduler": "linear", "seed": 1, "status": "failed",
             "configuration": {LR: lr}, "error_type": "OSError", "error": "disk"} for lr in (1e-5, 2e-5)]
    run = write_run(tmp_path / "run", rows + [{"method": "majority"}])
    md = report(capsys, run)
    line = next(x for x in md.split("\n## ")[0].splitlines() if x.startswith("| topics    | m"))
    assert "no selection" in line and "no configuration can be chosen" in line


def test_intervals_clipped_to_the_metric_range(tmp_path, capsys):
    """0.1 s: two seeds at 0.9 and 1.0 give a t-interval past 1: † in the table, bounds clipped
    in csv/json, the bars' title says so."""
    rows = [{"model": "m", "scheduler": "linear", "seed": s, "accuracy": a}
            for s, a in ((1, 0.9), (2, 1.0))] + [{"method": "majority"}]
    run = write_run(tmp_path / "run", rows)
    md = report(capsys, run)
    assert " †" in md and "clipped to the range" in md
    rows_csv = list(csv.DictReader(io.StringIO(report(capsys, run, "--format", "csv"))))
    m = next(r for r in rows_csv if r["model"] == "m")
    assert float(m["accuracy_ci95_high"]) == 1.0 and float(m["accuracy_ci95_low"]) < 0.9


def test_mteb_only_suite_prints_no_empty_table(tmp_path, capsys):
    run = write_run(tmp_path / "run", [{"method": "mteb", "model": "m", "dataset": "JSTS", "accuracy": 0.5}])
    md = report(capsys, run)
    assert "leaderboard" not in md and "quality and cost" not in md
    assert "MTEB tasks" in md


def test_compare_flags_a_changed_selection(tmp_path, capsys):
    """0.2 s: base selected 5e-5, new selects 1e-4 (validation moved): the comparison row says
    so; both sides compare their selected configurations."""
    base = write_run(tmp_path / "base", _config_rows("m", 5e-5, 0.8, 0.9)
                     + _config_rows("m", 1e-4, 0.8, 0.7))
    new = write_run(tmp_path / "new", _config_rows("m", 5e-5, 0.8, 0.7)
                    + _config_rows("m", 1e-4, 0.8, 0.9))
    assert main(["compare", str(base), str(new), "--format", "json", "--bootstrap", "100"]) == 0
    rows = json.loads(capsys.readouterr().out)["tables"]["comparison"]
    row = next(r for r in rows if r["metric"] == "accuracy")
    assert row["selection_changed"] and row["base_selected"] == "learning_rate=5e-05"
    assert row["new_selected"] == "learning_rate=0.0001"
    assert main(["compare", str(base), str(new), "--bootstrap", "100"]) == 0
    assert "learning_rate=5e-05 → learning_rate=0.0001 (changed)" in capsys.readouterr().out
