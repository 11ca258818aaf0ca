"""A results dir written before the redesign (main @70f7799, tests/fixtures/pre_redesign) keeps its
trial keys and resumes with nothing recomputed.

Keys include package versions, and CI installs transformers unpinned: the stored `keys.json`
holds the versions that entered the stored keys, and these tests pin `importlib.metadata.version`
to them for the packages in it, so a newer release elsewhere does not change the keys recomputed
here (a new version changing keys is intended behaviour, not what this test is about).
"""

from __future__ import annotations

import importlib.metadata
import json
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.cli import main
from harness.fingerprint import forget_package_versions
from harness.plan.trials import build_plan
from harness.store.store import ResultsStore
from harness.suite.loader import load_suite
from harness.trial import KEY_VERSION

STORED = Path(__file__).resolve().parents[1] / "fixtures" / "pre_redesign"
KEYS = json.loads((STORED / "keys.json").read_text(encoding="utf-8"))


@contextmanager
def stored_versions():
    """importlib.metadata.version answers the stored versions of the key packages."""
    real, pinned = importlib.metadata.version, KEYS["packages"]
    importlib.metadata.version = lambda name: pinned[name] if name in pinned else real(name)
    forget_package_versions()
    try:
        yield
    finally:
        importlib.metadata.version = real
        forget_package_versions()


def test_stored_plan_keys_unchanged():
    """0.2 s: the stored suite expands to the same trial ids, keys and key material."""
    assert KEY_VERSION == 1
    with stored_versions():
        trials = build_plan(load_suite(STORED / "suite.yaml").suite)
    got = [{"trial_id": t.trial_id, "method": t.method, "key": t.key, "material": t.key_material}
           for t in trials]
    assert json.loads(json.dumps(got)) == KEYS["trials"]
    assert sorted(t.method for t in trials) == ["finetune", "majority", "mteb", "probe"]


@pytest.mark.filterwarnings("ignore")
def test_stored_results_dir_resumes_with_nothing_recomputed(tmp_path, monkeypatch, capsys):
    """~4 s (imports transformers; no trial runs): `harness run` on a copy of the stored results
    dir skips all 4 trials (finetune, probe, mteb, majority) and computes none."""
    pytest.importorskip("mteb", reason="the [embeddings] extra (mteb) is not installed")
    import datasets  # noqa: F401  (imported before versions are pinned: their import checks see
    import transformers  # noqa: F401  the installed versions)

    copy = tmp_path / "stored"
    shutil.copytree(STORED, copy)
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path / "cache"))
    before = {r.trial_id: r.key for r in ResultsStore(copy / "results").records()}
    assert len(before) == 4
    with stored_versions():
        code = main(["run", str(copy / "suite.yaml"), "--results-dir", str(copy / "results")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 trained, 4 already done, 0 failed" in out
    runs = sorted((copy / "results" / "runs").glob("*.json"))
    latest = json.loads(runs[-1].read_text(encoding="utf-8"))
    assert latest["computed"] == 0 and latest["counts"]["skipped"] == 4
    after = {r.trial_id: r.key for r in ResultsStore(copy / "results").records()}
    assert after == before
