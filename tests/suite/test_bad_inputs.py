"""The bad-input corpus (tests/bad_inputs/: one malformed suite per file, with the data files and
model dirs they point at): each gets exactly one line naming file, line and field, exit 2, no
traceback, and nothing is written. Expected lines: tests/bad_inputs/expected.tsv."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from harness.cli import main

BAD = Path(__file__).resolve().parents[1] / "bad_inputs"


def _cases() -> list[tuple[str, str]]:
    rows = []
    for row in (BAD / "expected.tsv").read_text(encoding="utf-8").splitlines():
        if row.startswith("#") or not row.strip():
            continue
        name, line, field, message = row.split("\t")
        # line: the case file's line, or `other/file:line` (relative to this folder) when the
        # error is in a file the case names (a references file)
        where = (f"{BAD / line}: " if ":" in line else f"{BAD / name}:{line}: ") \
            + ("" if field == "-" else f"{field}: ")
        rows.append((name, f"harness: error: {where}{message.replace('{here}', str(BAD))}"))
    return rows


CASES = _cases()


def test_corpus_is_complete():
    assert len(CASES) >= 30
    assert sorted(n for n, _ in CASES) == sorted(p.name for p in BAD.glob("*.yaml"))


@pytest.fixture
def bad_env(monkeypatch, tiny_bert):
    monkeypatch.setenv("TINY_MODEL", str(tiny_bert))
    monkeypatch.delenv("HARNESS_TEST_UNSET_VAR", raising=False)
    return monkeypatch


# Optional packages a case may run without: `33-mecab-without-fugashi.yaml` runs as if fugashi
# were not installed (other "-without-" names, e.g. 61-selection-without-validation, hide nothing).
OPTIONAL = {"fugashi", "openvino", "optuna", "mteb"}


def _missing(name: str) -> str | None:
    module = name.removesuffix(".yaml").rsplit("-without-", 1)[-1] if "-without-" in name else None
    return module if module in OPTIONAL else None


@pytest.mark.parametrize("name, expected", CASES, ids=[n.removesuffix(".yaml") for n, _ in CASES])
def test_bad_input_one_line_exit_2(name, expected, bad_env, capsys, tmp_path):
    if _missing(name):
        bad_env.setitem(sys.modules, _missing(name), None)  # as if its extra were not installed
    results = tmp_path / "results"
    for argv in (["validate", str(BAD / name)], ["run", str(BAD / name), "--results-dir", str(results)]):
        assert main(argv) == 2, argv
        captured = capsys.readouterr()
        assert captured.err.splitlines() == [expected], captured.err
        assert "Traceback" not in captured.out + captured.err
    assert not results.exists(), "a rejected suite must write nothing"


@pytest.mark.slow  # subprocesses
def test_corpus_through_the_real_command(tiny_bert, tmp_path):
    """One `harness validate` process over the whole corpus: one line per file, exit 2."""
    names = [n for n, _ in CASES if not _missing(n)]
    env = dict(os.environ, PYTHONPATH=str(REPO), HF_HUB_OFFLINE="1", TINY_MODEL=str(tiny_bert))
    env.pop("HARNESS_TEST_UNSET_VAR", None)
    proc = subprocess.run([sys.executable, "-m", "harness", "validate", *[str(BAD / n) for n in names]],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [e for n, e in CASES if n in names]
    hidden = ("import sys; sys.modules['fugashi'] = None; from harness.cli import main; "
              f"sys.exit(main(['validate', {str(BAD / '33-mecab-without-fugashi.yaml')!r}]))")
    proc = subprocess.run([sys.executable, "-c", hidden], env=env, capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.splitlines() == [dict(CASES)["33-mecab-without-fugashi.yaml"]]
