"""Kill -9 at random moments, resume, repeat (6 kills in CI, 20 with -m heavy): the final store equals an
uninterrupted run's trial set and scores, with no corrupt, temp, duplicate or orphan files and no
finished trial computed twice. The work is in tests/fault_injection.py (also a script)."""

from __future__ import annotations

import re

import fault_injection
import pytest


def _kill_and_resume(tmp_path, capsys, kills: int) -> None:
    code = fault_injection.main(["--kills", str(kills), "--seed", "7", "--keep", str(tmp_path)])
    out = capsys.readouterr().out
    print(out)  # the summary line (kill count) shows with -s / in the CI log
    done = int(re.search(r"(\d+) kills in", out).group(1))
    assert done >= kills, out
    assert code == 0 and "final store == uninterrupted run" in out, out


@pytest.mark.slow  # kills and resumes a tiny suite 6 times (about 50 s)
def test_kill9_six_times_then_resume(tmp_path, capsys):
    _kill_and_resume(tmp_path, capsys, 6)


@pytest.mark.slow
@pytest.mark.heavy  # 20 kills, about 160 s: pytest -m heavy (the 6-kill twin runs in CI)
def test_kill9_twenty_times_then_resume(tmp_path, capsys):
    _kill_and_resume(tmp_path, capsys, 20)


def test_store_check_finds_damage(tmp_path):
    """The checker itself: a temp file, a claim and a corrupt record are each reported."""
    ref, got = tmp_path / "ref", tmp_path / "got"
    for root in (ref, got):
        (root / "records").mkdir(parents=True)
    (got / "records" / ".x.json~1@h~abc.tmp").write_text("{")
    (got / "records" / "t.json").write_text("{\"half\": ")
    (got / "claims").mkdir()
    (got / "claims" / "t.claim").write_text("{}")
    problems = fault_injection.store_problems(got, ref)
    text = "\n".join(problems)
    assert "temp file left" in text and "claim left" in text and "corrupt record t.json" in text
