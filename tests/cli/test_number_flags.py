"""Number flags (issue 30, class 7): finite and in range, one line each, before anything is
read or written (`--scale inf` used to print inf in every cell and overwrite leaderboard.md)."""

from __future__ import annotations

import pytest
from report_data import two_by_two

from harness.cli import main

CASES = [
    (["report", "{run}", "--scale", "inf"], "--scale: must be a finite number > 0, got inf"),
    (["report", "{run}", "--scale", "nan"], "--scale: must be a finite number > 0, got nan"),
    (["report", "{run}", "--scale", "0"], "--scale: must be a finite number > 0, got 0"),
    (["report", "{run}", "--scale", "-1"], "--scale: must be a finite number > 0, got -1"),
    (["report", "{run}", "--scale", "1e999"], "--scale: must be a finite number > 0, got inf"),
    (["report", "{run}", "--bootstrap", "0"], "--bootstrap: must be >= 1, got 0"),
    (["compare", "{run}", "{run}", "--min-diff", "accuracy=inf"],
     "--min-diff: must be a finite number >= 0, got 'accuracy=inf'"),
    (["compare", "{run}", "{run}", "--min-diff", "accuracy=nan"],
     "--min-diff: must be a finite number >= 0, got 'accuracy=nan'"),
    (["gate", "{run}", "{run}", "--bootstrap", "-5"], "--bootstrap: must be >= 1, got -5"),
    (["predict", "{run}", "--best", "--batch-size", "0", "a text"],
     "--batch-size: must be >= 1, got 0"),
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return two_by_two(tmp_path_factory.mktemp("flags") / "run")


@pytest.mark.parametrize("argv, message", CASES, ids=[" ".join(a[2:]) for a, _ in CASES])
def test_bad_number_flag_is_one_line(argv, message, run, capsys):
    before = {p: p.stat().st_mtime_ns for p in run.rglob("*") if p.is_file()}
    assert main([a.replace("{run}", str(run)) for a in argv]) == 2
    out, err = capsys.readouterr()
    assert err.splitlines() == [f"harness: error: {message}"] and out == ""
    assert {p: p.stat().st_mtime_ns for p in run.rglob("*") if p.is_file()} == before
