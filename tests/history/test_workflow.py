"""The shipped nightly workflow is valid against GitHub's workflow JSON schema (check-jsonschema's
vendored copy: offline) and calls `harness nightly` the way docs/nightly.md says."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "nightly.yml"


def _check_jsonschema() -> str:
    exe = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    if not Path(exe).is_file():
        pytest.skip("check-jsonschema is not installed (the [dev] extra installs it)")
    return exe


def test_workflow_matches_the_github_schema():
    out = subprocess.run([_check_jsonschema(), "--builtin-schema", "vendor.github-workflows",
                          str(WORKFLOW)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_schema_check_can_fail(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on: [self-hosted, linux, gpu]",
                                                   "runs-on: [self-hosted, linux, gpu]\n    colour: red"))
    out = subprocess.run([_check_jsonschema(), "--builtin-schema", "vendor.github-workflows",
                          str(broken)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 1


def test_workflow_runs_the_nightly_and_fails_on_the_gate():
    doc = yaml.safe_load(WORKFLOW.read_text())
    triggers = doc[True]  # YAML 1.1 reads the key `on` as True
    assert "schedule" in triggers and "workflow_dispatch" in triggers
    job = doc["jobs"]["nightly"]
    assert "self-hosted" in job["runs-on"] and "gpu" in job["runs-on"]
    script = "\n".join(step.get("run", "") for step in job["steps"])
    assert "harness nightly suites/jp.yaml --root" in script
    assert "GITHUB_STEP_SUMMARY" in script
    assert any(step.get("uses", "").startswith("actions/upload-artifact") for step in job["steps"])
    last = job["steps"][-1]
    assert last["if"] == "steps.night.outputs.code != '0'" and "exit 1" in last["run"]
    assert (WORKFLOW.parents[2] / "suites" / "jp.yaml").is_file()
