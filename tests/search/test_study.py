"""The Optuna side of a search without training: reconciling what a killed search left RUNNING
from the harness records, counting finished proposals, and validate staying light."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO, tiny_suite

from harness.cli import main
from harness.store.store import ResultsStore

optuna = pytest.importorskip("optuna", reason="the [search] extra (optuna) is not installed")

from harness.search import study as S  # noqa: E402
from harness.specs.search import SearchSpec  # noqa: E402

SPEC = SearchSpec(n_trials=3, space={"learning_rate": {"low": 1e-5, "high": 1e-3, "log": True}})
DEAD = {"pid": 999_999_999, "host": S.owner()["host"], "process_started": 1.0}


def _record(trial_id, status="ok", val=0.5, seed=1):
    from report_data import _env

    from harness.store.record import ErrorInfo, Timing, TrialRecord

    return TrialRecord(key=trial_id, trial_id=trial_id, run_id="r", suite_name="s", status=status,
                       error=None if status == "ok" else ErrorInfo(type="X", message=status),
                       method="finetune", dataset_name="d", seed=seed, config={},
                       metrics={"validation": {"f1_macro": val}} if status == "ok" else {},
                       main_metric="f1_macro", timing=Timing(total_wall_s=1.0),
                       environment=_env(), started_at="t", finished_at="t")


def test_reconcile_a_killed_search(tmp_path):
    """~1.5 s (SQLite schema): a proposal whose seeds all finished is told their mean; one with a
    seed missing is failed and asked again first (its finished seed then skips); one whose first
    seed was pruned is told pruned; a live owner's trial is left alone."""
    store = ResultsStore(tmp_path)
    for trial_id, val in (("a1", 0.6), ("a2", 0.8), ("b1", 0.4)):
        store.write_record(_record(trial_id, val=val))
    store.write_record(_record("c1", status="pruned"))
    study = S.open_studies(SPEC, tmp_path, ["s/m/d/linear/x"], S.make_pruner(SPEC, "epoch"))[
        "s/m/d/linear/x"]
    space = S.distributions(SPEC)
    for ids, who in ((["a1", "a2"], DEAD), (["b1", "b2"], DEAD), (["c1", "c2"], DEAD),
                     (["d1"], S.owner())):
        trial = study.ask(fixed_distributions=space)
        trial.set_user_attr("owner", who)
        trial.set_user_attr("trial_ids", ids)
    lines = []
    S.reconcile(study, store, "f1_macro", lines.append)
    states = [(t.number, t.state.name, t.value) for t in study.trials]
    assert states[:4] == [(0, "COMPLETE", pytest.approx(0.7)), (1, "FAIL", None),
                          (2, "PRUNED", None), (3, "RUNNING", None)]
    assert states[4][1] == "WAITING" and study.trials[4].user_attrs["requeued_from"] == 1
    assert [t.number for t in S.finished(study)] == [0, 2]  # 1 is replaced by its requeued copy
    assert [t.number for t in S.running_elsewhere(study)] == [3]
    assert sum("asked again first" in line for line in lines) == 1
    again = study.ask(fixed_distributions=space)  # the requeued proposal comes first
    assert again.number == 4 and again.params == study.trials[1].params


def test_reseeded_sampler_depends_on_history_not_on_restarts(tmp_path):
    """~1 s: a fresh process's RandomSampler(seed) would replay its first proposal; reseeding
    from the trial count gives the uninterrupted sequence."""
    spec = SPEC.model_copy(update={"sampler": "random"})
    space = S.distributions(spec)

    def proposals(name, restart_after=None):
        out, study = [], None
        for i in range(4):
            if study is None or i == restart_after:  # a new process opens the study again
                study = S.open_studies(spec, tmp_path, [name], S.make_pruner(spec, "no"))[name]
            S.reseed(study, spec)
            trial = study.ask(fixed_distributions=space)
            study.tell(trial, 0.5)
            out.append(trial.params["learning_rate"])
        return out

    assert proposals("a") == proposals("b", restart_after=2)
    assert len(set(proposals("c"))) == 4


def test_search_refuses_parallel_executors_and_validate_stays_light(write_suite, tiny_bert,
                                                                    english_data, tmp_path,
                                                                    capsys):
    """~3 s: --jobs 2 is one line, exit 2, nothing written; validate imports no optuna."""
    suite = write_suite(tiny_suite(tiny_bert, english_data) + "search:\n  n_trials: 2\n  space:\n"
                        "    learning_rate: {low: 1.0e-4, high: 1.0e-2, log: true}\n")
    results = tmp_path / "results"
    assert main(["run", str(suite), "--results-dir", str(results), "--jobs", "2"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--jobs: a search runs one configuration at a time" in err[0]
    assert not results.exists()
    probe = ("import sys; from harness.cli import main; code = main(['validate', sys.argv[1]]); "
             "print('OPTUNA', 'optuna' in sys.modules, 'torch' in sys.modules); sys.exit(code)")
    out = subprocess.run([sys.executable, "-c", probe, str(suite)], capture_output=True,
                         text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "search      2 configurations (tpe, learning_rate) × 1 seeds" in out.stdout
    assert "OPTUNA False False" in out.stdout
