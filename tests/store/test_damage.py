"""The store's damage corpus (issue 30, class 6): each way a stored file can be damaged, on a
synthetic results dir (5 records, their predictions, plan, resolved suite). Each case: the
report names the file and still shows every intact record (exit 1), the damaged trial counts as
not done, `harness doctor` lists it (exit 1) and `--fix` moves it aside (exit 0), after which
the report is clean. Before issue 30 one damaged record made the report exit 2 showing nothing."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest
from report_data import write_run

from harness.cli import main
from harness.store.store import ResultsStore

TRIAL = "t001"  # alpha × seed 2


def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _npz(**arrays):
    def write(path):
        with open(path, "wb") as f:
            np.savez(f, **arrays)
    return write


def _text(text):
    return lambda path: path.write_text(text, encoding="utf-8")


def _record_with(**changes):
    def write(path):
        doc = json.loads(path.read_text())
        path.write_text(json.dumps({**doc, **changes}))
    return write


# name -> (file, damage, the problem the report and doctor name, does its trial count as not
# done: a damaged record or predictions file; the record of a damaged predictions file is still
# reported, only its paired tests lack it)
CORPUS = {
    "record-truncated": (f"records/{TRIAL}.json", _truncate, "truncated JSON (EOF while parsing", True),
    "record-empty": (f"records/{TRIAL}.json", _text(""), "empty file (0 bytes of JSON)", True),
    "record-whitespace": (f"records/{TRIAL}.json", _text("\n \n"), "empty file (only whitespace)", True),
    "record-not-json": (f"records/{TRIAL}.json", _text("<html>oops</html>"), "not valid JSON", True),
    "record-a-list": (f"records/{TRIAL}.json", _text("[1, 2]"), "a JSON list where a record", True),
    "record-bad-status": (f"records/{TRIAL}.json", _record_with(status="exploded"),
                          "does not match the record schema: status", True),
    "record-no-key": (f"records/{TRIAL}.json", _record_with(key=None),
                      "does not match the record schema: key", True),
    "predictions-truncated": (f"predictions/{TRIAL}.npz", _truncate, "not a .npz archive", True),
    "predictions-deleted": (f"predictions/{TRIAL}.npz", lambda p: p.unlink(), "missing", True),
    "predictions-not-npz": (f"predictions/{TRIAL}.npz", _text("x" * 100), "not a .npz archive", True),
    "predictions-no-labels": (f"predictions/{TRIAL}.npz", _npz(predictions=np.zeros(90, "int32")),
                              "has no label_ids array", True),
    "predictions-lengths": (f"predictions/{TRIAL}.npz",
                            _npz(label_ids=np.zeros(90, "int32"), predictions=np.zeros(80, "int32")),
                            "label_ids (90,) and predictions (80,) do not match", True),
    "predictions-pickled": (f"predictions/{TRIAL}.npz",
                            _npz(label_ids=np.array([object()] * 90), predictions=np.zeros(90)),
                            "not a readable .npz archive", True),
    "plan-truncated": ("plan.json", _truncate, "truncated JSON", False),
    "plan-an-object": ("plan.json", _text('{"trials": []}'), "a JSON object where a JSON list", False),
    "plan-bad-entry": ("plan.json", _text('[{"trial": "t000"}]'), "entry 0 is not a trial", False),
    "suite-a-list": ("suite.resolved.yaml", _text("- a\n- b\n"), "a YAML list where the resolved suite",
                     False),
    "suite-not-yaml": ("suite.resolved.yaml", _text("name: [unclosed\n"), "not YAML", False),
    "suite-no-metrics": ("suite.resolved.yaml", _text("name: s\nmetrics: 3\n"),
                         "not a resolved suite", False),
}


def _report(run) -> tuple[int, dict, list[str]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["report", str(run), "--format", "json", "--bootstrap", "20"])
    return code, json.loads(out.getvalue()), err.getvalue().splitlines()


def _shown(doc) -> int:
    """Ok trials the leaderboard counts (n per row, the majority row included)."""
    return sum(row["n"] for row in doc["tables"]["leaderboard"])


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """2 models × 2 seeds + the majority baseline: 5 records (t001: alpha, seed 2)."""
    rows = [{"model": m, "scheduler": "linear", "seed": s, "accuracy": a + 0.01 * s}
            for m, a in (("alpha", 0.8), ("beta", 0.6)) for s in (1, 2)]
    return write_run(tmp_path_factory.mktemp("pristine") / "run", rows + [{"method": "majority"}])


@pytest.mark.parametrize("case", list(CORPUS))
def test_damaged_file_is_named_skipped_and_repairable(case, pristine, tmp_path, capsys):
    import shutil

    rel, damage, problem, trial_lost = CORPUS[case]
    run = shutil.copytree(pristine, tmp_path / "run")
    code, doc, _ = _report(run)
    intact = _shown(doc)
    assert code == 0 and intact == 5

    damage(run / rel)
    code, doc, err = _report(run)
    assert code == 1
    assert err[0].startswith(f"harness: warning: skipped {run}/{rel}: {problem}"), err
    assert all("Traceback" not in line for line in err)
    record_lost = rel.startswith("records/")  # a damaged predictions file leaves the record
    assert _shown(doc) == intact - record_lost  # every intact record is still reported
    assert any(line.startswith(f"- damaged, skipped: {rel}: {problem}") for line in doc["footer"])
    record = json.loads((pristine / "records" / f"{TRIAL}.json").read_text())
    assert (ResultsStore(run).finished(TRIAL, record["key"]) is None) == trial_lost

    assert main(["doctor", str(run)]) == 1
    out = capsys.readouterr().out
    assert f"  damaged {rel}: {problem}" in out and f"`harness doctor {run} --fix`" in out
    assert main(["doctor", str(run), "--fix"]) == 0
    moved = sorted(p.relative_to(run / "damaged").as_posix().split("/", 1)[1]
                   for p in (run / "damaged").rglob("*") if p.is_file())
    # a damaged predictions file goes with its record: the trial is missing as a whole
    expected = [rel] if not rel.startswith("predictions/") else \
        [f"records/{TRIAL}.json"] + ([] if case == "predictions-deleted" else [rel])
    assert moved == sorted(expected)
    assert main(["doctor", str(run)]) == 0
    code, doc, err = _report(run)
    assert code == 0 and err == [] and _shown(doc) == intact - trial_lost


def test_newer_record_is_not_shown_not_damaged_and_never_overwritten(pristine, tmp_path, capsys):
    import shutil

    run = shutil.copytree(pristine, tmp_path / "run")
    path = run / "records" / f"{TRIAL}.json"
    doc = json.loads(path.read_text())
    path.write_text(json.dumps({**doc, "schema_version": 9, "new_field": 1}))
    code, report, err = _report(run)
    assert code == 1 and _shown(report) == 4
    assert err[0] == (f"harness: warning: skipped {run}/records/{TRIAL}.json: record of schema "
                      "version 9; this harness reads versions 1, 2, 3 (upgrade harness to use it)")
    assert main(["doctor", str(run), "--fix"]) == 0 and path.exists()
    assert "newer   records/t001.json" in capsys.readouterr().out
    with pytest.raises(Exception, match="schema version 9"):
        ResultsStore(run).finished(TRIAL, doc["key"])  # a run refuses instead of recomputing


def test_a_rewrite_moves_the_damaged_file_aside(pristine, tmp_path):
    import shutil

    from harness.store.record import TrialRecord

    run = shutil.copytree(pristine, tmp_path / "run")
    good = TrialRecord.model_validate_json((run / "records" / f"{TRIAL}.json").read_bytes())
    (run / "records" / f"{TRIAL}.json").write_text("{trunc")
    store = ResultsStore(run)
    store.write_record(good)
    assert [(rel, problem[:15]) for rel, _, problem in store.moved] == \
        [(f"records/{TRIAL}.json", "not valid JSON ")]
    assert next((run / "damaged").rglob(f"{TRIAL}.json")).read_text() == "{trunc"
    assert ResultsStore(run).read_record(TRIAL) == good
