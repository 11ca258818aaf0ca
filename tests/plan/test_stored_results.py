"""A results dir written before the redesign (main @70f7799, tests/fixtures/pre_redesign), under
KEY_VERSION 1, against the code after both the redesign (issue 20) and the hub port (issue 19,
KEY_VERSION 2).

What issue 20 promised is that the redesign did not change how keys are derived. Issue 19 then
bumped KEY_VERSION to 2 on purpose (hub revisions enter as resolved commits, hub.splits enters),
so the stored keys no longer match the code's keys, by design. These tests prove both:

- under KEY_VERSION 1 (patched into every module that builds key material), the new code
  recomputes the stored key material and keys exactly, and `harness run` resumes the stored
  results dir with nothing recomputed: the redesign and the hub port changed no derivation for
  local models, local files and local MTEB tasks (the stored suite has no hub item);
- under the real KEY_VERSION 2 the material differs from the stored one in `key_version` only,
  every key changes, and `harness run` recomputes all 4 stored trials instead of reusing them,
  while the old records stay readable beside the new ones.

Keys include package versions, and CI installs transformers unpinned: the stored `keys.json`
holds the versions that entered the stored keys, and these tests pin `importlib.metadata.version`
to them for the packages in it, so a newer release elsewhere does not change the keys recomputed
here (a new version changing keys is intended behaviour, not what this test is about).
"""

from __future__ import annotations

import importlib.metadata
import json
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

import harness.methods.registry  # noqa: F401  (every method's plan module, for the patch)
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


def key_version(monkeypatch, version: int) -> list[str]:
    """KEY_VERSION = version in harness.trial and every harness module that imported it (each
    method's plan module builds its key material with its own binding); the patched names."""
    patched = []
    for name, module in list(sys.modules.items()):
        if name.startswith("harness") and hasattr(module, "KEY_VERSION"):
            monkeypatch.setattr(module, "KEY_VERSION", version)
            patched.append(name)
    return patched


def planned():
    trials = build_plan(load_suite(STORED / "suite.yaml").suite)
    return [{"trial_id": t.trial_id, "method": t.method, "key": t.key, "material": t.key_material}
            for t in trials]


def test_stored_plan_keys_recomputed_under_key_version_1(monkeypatch):
    """0.2 s: with KEY_VERSION 1 the new code expands the stored suite to the stored trial ids,
    keys and key material, byte for byte."""
    patched = key_version(monkeypatch, 1)
    assert {"harness.trial", "harness.methods.finetune.plan", "harness.methods.probe.plan",
            "harness.methods.mteb.plan", "harness.methods.majority"} <= set(patched)
    with stored_versions():
        got = planned()
    assert json.loads(json.dumps(got)) == KEYS["trials"]
    assert sorted(t["method"] for t in got) == ["finetune", "majority", "mteb", "probe"]


def test_key_version_2_changes_the_version_and_every_key_only():
    """0.2 s: under the real KEY_VERSION (2) each trial's material is the stored one with
    key_version 2, and no stored key survives (so none can be reused)."""
    assert KEY_VERSION == 2
    with stored_versions():
        got = json.loads(json.dumps(planned()))
    stored = {t["method"]: t for t in KEYS["trials"]}
    assert sorted(t["method"] for t in got) == sorted(stored)
    for t in got:
        old = stored[t["method"]]
        assert t["material"] == {**old["material"], "key_version": 2}, t["method"]
        assert t["key"] != old["key"] and t["trial_id"] != old["trial_id"]


def _run_stored(tmp_path, monkeypatch, capsys):
    """`harness run` on a copy of the stored results dir: (records before, results dir, output,
    the run's runs/*.json)."""
    pytest.importorskip("mteb", reason="the [embeddings] extra (mteb) is not installed")
    import datasets  # noqa: F401  (imported before versions are pinned: their import checks see
    import transformers  # noqa: F401  the installed versions)

    copy = tmp_path / "stored"
    shutil.copytree(STORED, copy)
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path / "cache"))
    results = copy / "results"
    before = {r.trial_id: r.key for r in ResultsStore(results).records()}
    assert len(before) == 4
    with stored_versions():
        code = main(["run", str(copy / "suite.yaml"), "--results-dir", str(results)])
    out = capsys.readouterr().out
    assert code == 0, out
    runs = sorted((results / "runs").glob("*.json"))
    return before, results, out, json.loads(runs[-1].read_text(encoding="utf-8"))


@pytest.mark.filterwarnings("ignore")
def test_stored_results_dir_resumes_under_key_version_1(tmp_path, monkeypatch, capsys):
    """~4 s (imports transformers; no trial runs): with KEY_VERSION 1, `harness run` on a copy of
    the stored results dir skips all 4 trials (finetune, probe, mteb, majority), computes none."""
    key_version(monkeypatch, 1)
    before, results, out, latest = _run_stored(tmp_path, monkeypatch, capsys)
    assert "0 trained, 4 already done, 0 failed" in out
    assert latest["computed"] == 0 and latest["counts"]["skipped"] == 4
    assert {r.trial_id: r.key for r in ResultsStore(results).records()} == before


@pytest.mark.slow  # trains and evaluates the 4 tiny trials (~5 s)
@pytest.mark.filterwarnings("ignore")
def test_stored_results_dir_is_recomputed_under_key_version_2(tmp_path, monkeypatch, capsys):
    """Under KEY_VERSION 2, `harness run` on a copy of the stored results dir reuses none of its
    trials: all 4 are computed again under new keys, and the 4 old records stay readable."""
    before, results, out, latest = _run_stored(tmp_path, monkeypatch, capsys)
    assert "4 trained, 0 already done, 0 failed" in out
    assert latest["computed"] == 4 and latest["counts"]["skipped"] == 0 and latest["reused"] == 0
    after = {r.trial_id: r for r in ResultsStore(results).records()}
    assert set(before) < set(after) and len(after) == 8  # old records kept, still parsed
    new = [r for tid, r in after.items() if tid not in before]
    assert all(r.status == "ok" and r.config["key_version"] == 2 for r in new)
    assert all(after[tid].config["key_version"] == 1 for tid in before)
