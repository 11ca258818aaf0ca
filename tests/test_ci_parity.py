"""`tox` runs what CI runs (issue 30): the same extras as `.ci/run`'s install line, then the same
`.ci/checks`; and a test whose tool is missing fails in CI instead of skipping silently."""

from __future__ import annotations

import configparser
import re

import pytest
from conftest import REPO, needed_in_ci


def test_tox_installs_the_extras_ci_installs_and_runs_its_checks():
    run = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    ci_extras = re.search(r'-e "\.\[([a-z,]+)\]"', run).group(1).split(",")
    tox = configparser.ConfigParser()
    tox.read(REPO / "tox.ini", encoding="utf-8")
    env = tox["testenv"]
    assert env["extras"].split() == ci_extras
    assert env["deps"].split() == ["torch==2.13.0"] and '"torch==2.13.0"' in run
    assert env["commands"].split()[:2] == ["bash", ".ci/checks"]
    assert run.rstrip().splitlines()[-1].startswith("bash .ci/checks")
    assert 'export CI="${CI:-true}"' in run  # .ci/run is CI: missing tools fail there


def test_a_missing_tool_fails_in_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must have it: no chromium"):
        needed_in_ci("no chromium")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no chromium"):
        needed_in_ci("no chromium")
