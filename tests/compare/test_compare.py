"""harness compare / gate on synthetic results dirs (no training): noise-aware verdicts, the
gate's one-line failures and exit codes, bad input exit 2."""

from __future__ import annotations

import json

import pytest
import yaml
from report_data import write_run

from harness.cli import main
from harness.compare import verdict as V
from harness.compare.rows import compare_runs


def _rows(alpha, beta, alpha_speed=100.0):
    rows = []
    for model, acc in (("alpha", alpha), ("beta", beta)):
        for seed, noise in zip((1, 2, 3), (0.0, 0.011, -0.011)):
            rows.append({"model": model, "scheduler": "linear", "seed": seed, "accuracy": acc + noise,
                         "timing": {"test_samples_per_s": alpha_speed if model == "alpha" else 50.0}})
    return rows + [{"method": "majority"}]


def _with_gate(run, gate: dict):
    path = run / "suite.resolved.yaml"
    suite = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump({**suite, "gate": gate}))
    return run


def _verdicts(comparison, metric="accuracy"):
    return {r.model: r.decision.verdict for r in comparison.rows if r.metric == metric}


def test_injected_regression_is_flagged_and_nothing_else(tmp_path):
    base = write_run(tmp_path / "base", _rows(0.9, 0.6))
    new = write_run(tmp_path / "new", _rows(0.6, 0.6))
    c = compare_runs(base, new)
    assert _verdicts(c) == {"alpha": "regressed", "beta": "unchanged", "-": "unchanged"}
    alpha = next(r for r in c.rows if r.model == "alpha" and r.metric == "accuracy")
    assert "paired bootstrap" in alpha.decision.test and "McNemar" in alpha.decision.test
    assert alpha.decision.ci_high < 0 and alpha.delta < -0.25


def test_same_results_are_unchanged_and_improvement_is_improved(tmp_path):
    base = write_run(tmp_path / "base", _rows(0.6, 0.6))
    assert set(_verdicts(compare_runs(base, write_run(tmp_path / "same", _rows(0.6, 0.6)))).values()) \
        == {"unchanged"}
    assert _verdicts(compare_runs(base, write_run(tmp_path / "up", _rows(0.9, 0.6))))["alpha"] == "improved"


def test_min_practical_difference_keeps_a_small_significant_change_unchanged(tmp_path):
    base = write_run(tmp_path / "base", _rows(0.6, 0.6))
    new = write_run(tmp_path / "new", _rows(0.9, 0.6))
    assert _verdicts(compare_runs(base, new, min_difference={"accuracy": 0.5}))["alpha"] == "unchanged"


def test_welch_over_seeds_without_predictions():
    assert V.seeds_only([0.80, 0.81, 0.79], [0.60, 0.61, 0.59], 0.005).verdict == "regressed"
    assert V.seeds_only([0.80, 0.70, 0.90], [0.78, 0.88, 0.71], 0.005).verdict == "unchanged"
    assert V.seeds_only([0.8], [0.6], 0.005).detail.startswith("one seed")


def test_throughput_ratio_and_other_device_is_not_comparable(tmp_path):
    base = write_run(tmp_path / "base", _rows(0.6, 0.6))
    slow = write_run(tmp_path / "slow", _rows(0.6, 0.6, alpha_speed=50.0))
    speed = {r.model: r for r in compare_runs(base, slow).rows if r.metric == "test_samples_per_s"}
    assert speed["alpha"].decision.verdict == "regressed" and abs(speed["alpha"].delta - 0.5) < 1e-9
    assert speed["beta"].decision.verdict == "unchanged"
    for path in (slow / "records").glob("*.json"):
        rec = json.loads(path.read_text())
        rec["environment"]["device_name"] = "other-cpu"
        path.write_text(json.dumps(rec))
    speed = {r.model: r for r in compare_runs(base, slow).rows if r.metric == "test_samples_per_s"}
    assert speed["alpha"].decision.verdict == "not comparable"


def test_gate_one_line_per_failed_row_and_exit_codes(tmp_path, capsys):
    base = write_run(tmp_path / "base", _rows(0.9, 0.6))
    new = _with_gate(write_run(tmp_path / "new", _rows(0.6, 0.6)),
                     {"rules": [{"metric": "accuracy"}, {"metric": "accuracy", "floor": 0.7,
                                                        "model": "beta", "max_drop": None}]})
    assert main(["gate", str(base), str(new)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2
    assert err[0].startswith("harness: gate failed: topics / alpha / finetune / linear: accuracy "
                             "regressed 0.9000 → 0.6000")
    assert "beta" in err[1] and "below the floor 0.7" in err[1]
    assert main(["compare", str(base), str(new), "--fail-on", "regression"]) == 1
    assert main(["compare", str(base), str(new)]) == 0  # no --fail-on: the table only
    ok = write_run(tmp_path / "ok", _rows(0.9, 0.6))
    assert main(["gate", str(base), str(ok)]) == 0
    assert "gate passed" in capsys.readouterr().out


def test_compare_formats(tmp_path, capsys):
    base = write_run(tmp_path / "base", _rows(0.9, 0.6))
    new = write_run(tmp_path / "new", _rows(0.6, 0.6))
    assert main(["compare", str(base), str(new), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["tables"]["comparison"]
    assert {(r["model"], r["metric"], r["verdict"]) for r in rows} >= {
        ("alpha", "accuracy", "regressed"), ("beta", "accuracy", "unchanged")}
    assert main(["compare", str(base), str(new), "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("dataset,model,row,metric,base,")


def test_bad_input_one_line_exit_2(tmp_path, capsys):
    base = write_run(tmp_path / "base", _rows(0.9, 0.6))
    other = write_run(tmp_path / "other", _rows(0.9, 0.6), name="another-suite")
    assert main(["compare", str(other), str(base)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "suite 'another-suite'" in err[0] and str(other) in err[0]
    assert main(["gate", str(base), str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"harness: error: {tmp_path / 'nope'}: results dir not found"]
    assert main(["compare", str(base), str(base), "--min-diff", "accuracy=x"]) == 2
    broken = _with_gate(write_run(tmp_path / "broken", _rows(0.9, 0.6)), {"rules": [{"floor": 1}]})
    capsys.readouterr()
    assert main(["gate", str(base), str(broken)]) == 2
    assert capsys.readouterr().err.strip() == (f"harness: error: {broken / 'suite.resolved.yaml'}: "
                                               "gate.rules.0.metric: Field required")
    assert main(["compare", str(base), str(base), "--metric", "bleu"]) == 2
    assert "unknown metric 'bleu'" in capsys.readouterr().err


@pytest.mark.slow  # subprocesses
def test_compare_gate_and_history_are_light(tmp_path):
    from conftest import light

    base = write_run(tmp_path / "root" / "base", _rows(0.9, 0.6))
    new = write_run(tmp_path / "root" / "new", _rows(0.6, 0.6))
    for i, run in enumerate((base, new)):
        (run / "runs").mkdir()
        (run / "runs" / f"r{i}.json").write_text(json.dumps(
            {"run_id": f"r{i}", "started_at": f"2026-01-0{i + 1}T00:00:00+00:00", "status": "done"}))
    for argv in (["compare", str(base), str(new)], ["gate", str(base), str(new)],
                 ["history", str(tmp_path / "root"), "--no-plot"]):
        proc = light(*argv)
        assert proc.returncode in (0, 1), proc.stderr
        assert "HEAVY=\n" in proc.stderr, (argv, proc.stderr)
    proc = light("history", str(tmp_path / "root"), "--no-plot")
    assert "| alpha   | topics    | finetune | linear      | 0.9000 ± 0.0276 | 0.6000 ± 0.0276 |" \
        in proc.stdout, proc.stdout
    only = light("history", str(tmp_path / "root"), "--no-plot", "--model", "beta", "--format", "csv")
    assert {line.split(",")[5] for line in only.stdout.splitlines()[1:]} == {"beta"}


def test_new_missing_and_failed_rows(tmp_path, capsys):
    base = write_run(tmp_path / "base", _rows(0.9, 0.6))
    rows = [r for r in _rows(0.9, 0.6) if r.get("model") != "beta"]
    rows = [{**r, "status": "failed", "error": "CUDA error"} if r.get("model") == "alpha" else r
            for r in rows]
    rows += [{"model": "gamma", "scheduler": "linear", "seed": s, "accuracy": 0.7} for s in (1, 2)]
    new = write_run(tmp_path / "new", rows)
    c = compare_runs(base, new)
    assert _verdicts(c) == {"alpha": "failed", "beta": "missing", "gamma": "new", "-": "unchanged"}
    assert main(["gate", str(base), str(new)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["harness: gate failed: topics / alpha / finetune / linear: new run has no ok "
                   "trial (failed (seed 1): RuntimeError: CUDA error; failed (seed 2): RuntimeError: "
                   "CUDA error; failed (seed 3): RuntimeError: CUDA error)"]
