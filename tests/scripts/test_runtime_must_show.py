"""scripts/runtime_must_show.sh parses, and refuses without the shared data or with an unknown
option before running anything (its real run is long: the lead runs it on a quiet machine;
docs/runtimes.md)."""

from __future__ import annotations

import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "runtime_must_show.sh"


def test_it_parses():
    assert subprocess.run(["bash", "-n", str(SCRIPT)], capture_output=True).returncode == 0


def test_no_data_and_unknown_options_exit_2_before_any_run(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HARNESS_DATA": str(tmp_path / "nothing")}
    done = subprocess.run(["bash", str(SCRIPT), str(tmp_path / "out")], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 2 and "no JGLUE data under" in done.stderr
    assert not (tmp_path / "out").exists()
    data = tmp_path / "data" / "jglue" / "jsts-v1.3"
    data.mkdir(parents=True)
    (data / "valid-v1.3.json").write_text("{}\n", encoding="utf-8")
    env["HARNESS_DATA"] = str(tmp_path / "data")
    done = subprocess.run(["bash", str(SCRIPT), str(tmp_path / "out"), "--big"], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 2 and "unknown option --big" in done.stderr
    assert not (tmp_path / "out").exists()
