"""harness nightly end to end on tiny models: reuse across nights (nothing recomputed when nothing
changed; a model revision change recomputes that model only), summary.md, history table + PNG,
corrupt records under ROOT skipped with a warning, gate errors in suites."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import tiny_suite

from harness.cli import main
from harness.history.runs import latest_run_info
from harness.store.store import ResultsStore

pytestmark = pytest.mark.slow  # three nightlies of tiny trainings

GATE = """gate:
  rules:
    - {metric: accuracy, floor: 0.0}
"""


def _suite(model_a, model_b, data) -> str:
    text = tiny_suite(model_a, data, name="nightly", seeds=(1, 2), learning_rate="3.0e-3") + GATE
    return text.replace("  - name: tiny\n", "  - name: b\n"
                        f"    path: {model_b}\n    max_length: 32\n  - name: tiny\n", 1)


@pytest.fixture(scope="module")
def history(tmp_path_factory, tiny_bert, english_data):
    """Three nightlies: first computes all, second nothing, third after model b changed."""
    work = tmp_path_factory.mktemp("nightly")
    model_b = shutil.copytree(tiny_bert, work / "model-b")
    suite = work / "suite.yaml"
    suite.write_text(_suite(tiny_bert, model_b, english_data), encoding="utf-8")
    root = work / "root"
    codes = [main(["nightly", str(suite), "--root", str(root), "--name", "n1"]),
             main(["nightly", str(suite), "--root", str(root), "--name", "n2"])]
    (model_b / "README.md").write_text("revision 2\n")  # a new content hash for model b
    codes.append(main(["nightly", str(suite), "--root", str(root), "--name", "n3"]))
    return codes, root, suite


def test_first_night_computes_all(history):
    codes, root, _ = history
    assert codes == [0, 0, 0]
    info = latest_run_info(root / "n1")
    assert (info["reused"], info["computed"], info["trials"]) == (0, 5, 5)
    assert info["suite_name"] == "nightly" and info["git_sha"] and info["device"] == "cpu"
    assert info["packages"]["torch"]
    fp = {v["model_revision"] for v in info["trial_identity"].values() if v["model_revision"]}
    assert len(fp) == 1 and fp.pop().startswith("dir:")  # b starts as a copy of tiny
    for name in ("summary.md", "leaderboard.md", "report.html"):
        assert (root / "n1" / name).is_file()
    assert "no earlier successful run" in (root / "n1" / "summary.md").read_text()


def test_second_night_computes_nothing(history):
    _, root, _ = history
    info = latest_run_info(root / "n2")
    assert (info["reused"], info["computed"]) == (5, 0)
    assert info["counts"]["skipped"] == 5
    for rec in ResultsStore(root / "n2").records():
        assert rec.reused_from == f"../n1/records/{rec.trial_id}.json"
        assert (root / "n2" / rec.artifacts["predictions"]).is_file()
    summary = (root / "n2" / "summary.md").read_text()
    assert "5 planned, 5 reused from earlier runs, 0 computed" in summary
    assert "trials: 5 reused from earlier runs (reused_from), 0 computed in this results dir" \
        in (root / "n2" / "leaderboard.md").read_text()
    assert "compared with: n1" in summary and "gate: passed" in summary
    verdicts = {r["verdict"] for r in json.loads((root / "n2" / "comparison.json").read_text())
                ["tables"]["comparison"] if r["metric"] == "accuracy"}
    assert verdicts == {"unchanged"}


def test_model_revision_change_recomputes_that_model_only(history):
    _, root, _ = history
    info = latest_run_info(root / "n3")
    assert (info["reused"], info["computed"]) == (3, 2)
    records = ResultsStore(root / "n3").records()
    recomputed = sorted(r.model_name for r in records if r.reused_from is None)
    assert recomputed == ["b", "b"]
    fp = {v["model_revision"] for v in info["trial_identity"].values() if v["model_revision"]}
    assert len(fp) == 2  # b's new content hash is its new revision
    # a chain of reuses points at the run that computed the record
    assert all(r.reused_from.startswith("../n1/") for r in records if r.reused_from)


def test_force_reuses_nothing_and_run_dir_names_are_checked(history, tmp_path, capsys):
    _, root, suite = history
    assert main(["nightly", str(suite), "--root", str(root), "--name", "n1"]) == 2
    assert "run dir already holds a run" in capsys.readouterr().err
    copy = shutil.copytree(root, tmp_path / "root", ignore=shutil.ignore_patterns("n2", "n3"))
    assert main(["nightly", str(suite), "--root", str(copy), "--name", "forced", "--force"]) == 0
    info = latest_run_info(copy / "forced")
    assert (info["reused"], info["computed"]) == (0, 5)
    assert all(r.reused_from is None for r in ResultsStore(copy / "forced").records())


def test_history_table_png_and_corrupt_record_warning(history, tmp_path, capsys):
    _, root, _ = history
    copy = shutil.copytree(root, tmp_path / "root")
    bad = next((copy / "n2" / "records").glob("tiny__*.json"))
    bad.write_text("{not json")
    png = tmp_path / "trend.png"
    assert main(["history", str(copy), "--format", "json", "--plot", str(png)]) == 0
    out, err = capsys.readouterr()
    rows = json.loads(out)["tables"]["history"]
    assert {r["run"] for r in rows} == {"n1", "n2", "n3"}
    assert "warning: skipped corrupt record" in err and str(bad) in err
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    tiny_n2 = next(r for r in rows if r["run"] == "n2" and r["model"] == "tiny")
    assert tiny_n2["n"] == 1  # the corrupt seed was skipped, not counted
    assert main(["history", str(tmp_path / "missing")]) == 2


def test_unknown_gate_metric_is_a_one_line_error(write_suite, tiny_bert, english_data, capsys):
    text = tiny_suite(tiny_bert, english_data) + "gate:\n  rules:\n    - {metric: bleu, floor: 0.5}\n"
    path = write_suite(text)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    line = text.splitlines().index("    - {metric: bleu, floor: 0.5}") + 1
    assert err[0].startswith(f"harness: error: {path}:{line}: gate.rules.0.metric: unknown metric 'bleu'")


def test_corrupt_record_under_root_is_skipped_with_a_warning_and_exit_1(history, tmp_path, capsys):
    """The damaged record in the base run is named and skipped, the base's intact results are
    still compared, and the gate fails (exit 1) because results were left out (before issue 30
    the whole comparison was lost: exit 2, 'no comparison with n1')."""
    _, root, suite = history
    copy = shutil.copytree(root, tmp_path / "root", ignore=shutil.ignore_patterns("n2", "n3"))
    bad = next((copy / "n1" / "records").glob("tiny__*s1__*.json"))
    bad.write_text("{not json")
    assert main(["nightly", str(suite), "--root", str(copy), "--name", "after"]) == 1
    out = capsys.readouterr().out
    assert f"harness: warning: skipped corrupt record {bad}: not valid JSON" in out
    info = latest_run_info(copy / "after")
    # recomputed: the unreadable record's trial and model b's two (b changed after n1)
    assert (info["reused"], info["computed"]) == (2, 3)
    fresh = {r.trial_id for r in ResultsStore(copy / "after").records() if r.reused_from is None}
    assert bad.stem in fresh and sum(t.startswith("b__") for t in fresh) == 2
    summary = (copy / "after" / "summary.md").read_text()
    assert "gate: FAILED" in summary and f"damaged, skipped: {bad}: not valid JSON" in summary
