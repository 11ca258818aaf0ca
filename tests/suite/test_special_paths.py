"""Paths that are not what they should be (issue 30, classes 3 and 4): a FIFO or a device where
a file is expected never hangs (only regular files are read), a results dir that is a file or
read-only is one line. Each case has a timeout: before the fix a FIFO spun until killed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import REPO, tiny_suite

from harness.cli import main

pytestmark = pytest.mark.timeout(60)


def _one_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0], err
    return err[0]


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    return path


def test_fifo_as_data_file(fifo, tiny_bert, english_data, write_suite, capsys, tmp_path):
    files = f"{{train: {fifo}, test: {english_data}/test.csv}}"
    suite = write_suite(tiny_suite(tiny_bert, english_data, files=files))
    for argv in (["validate", str(suite)], ["run", str(suite), "--results-dir", str(tmp_path / "r")]):
        assert main(argv) == 2
        assert _one_line(capsys).endswith(f"datasets.0.files.train: {fifo} is a FIFO (named pipe), "
                                          "not a data file")
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "/dev/stdin"])
def test_special_suite_file(kind, tmp_path, capsys):
    path = tmp_path / "suite.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path = kind
    assert main(["validate", str(path)]) == 2
    line = _one_line(capsys)
    assert line.startswith(f"harness: error: {path}: is a ") and line.endswith(", not a suite file")


def test_fifo_in_model_dir_and_as_evaluate_module(fifo, tiny_bert, english_data, write_suite, capsys,
                                                  tmp_path):
    model = shutil.copytree(tiny_bert, tmp_path / "model")
    (model / "model.safetensors").unlink()
    os.mkfifo(model / "model.safetensors")
    suite = write_suite(tiny_suite(model, english_data))
    assert main(["validate", str(suite)]) == 2
    assert "model.safetensors is a FIFO (named pipe), not a regular file" in _one_line(capsys)
    suite = write_suite(tiny_suite(tiny_bert, english_data,
                                   metrics=f"[accuracy, {{name: mine, evaluate: {fifo}}}]"))
    assert main(["validate", str(suite)]) == 2
    assert "is neither a module folder nor a Python file" in _one_line(capsys)


def test_fifo_for_init_and_predict_inputs(fifo, capsys):
    from harness.errors import HarnessError
    from harness.predict import read_inputs

    assert main(["init", "--data", str(fifo)]) == 2
    assert _one_line(capsys).endswith(f"--data: {fifo} is a FIFO (named pipe), not a data file")
    for suffix in ("csv", "txt"):
        path = fifo.with_suffix(f".{suffix}")
        fifo.rename(path)
        with pytest.raises(HarnessError, match="FIFO"):
            read_inputs([], str(path), "text", None)
        path.rename(fifo)


def test_results_dir_that_is_a_file(tiny_bert, english_data, write_suite, capsys, tmp_path):
    suite = write_suite(tiny_suite(tiny_bert, english_data))
    blocker = tmp_path / "results"
    blocker.write_text("not a folder")
    assert main(["run", str(suite), "--results-dir", str(blocker)]) == 2
    assert _one_line(capsys) == (f"harness: error: {blocker}: --results-dir: is a regular file, "
                                 "not a results dir (choose another --results-dir)")
    assert main(["run", str(suite), "--results-dir", str(blocker / "sub")]) == 2
    assert "cannot create the results dir: " in _one_line(capsys)
    for argv in (["report", str(blocker)], ["doctor", str(blocker)], ["compare", str(blocker),
                                                                       str(blocker)]):
        assert main(argv) == 2
        assert "is a regular file, not a results dir" in _one_line(capsys)
    assert blocker.read_text() == "not a folder"


def _read_only(root, argv: list[str]) -> subprocess.CompletedProcess:
    """`harness ARGV` with `root` read-only for real: a read-only bind mount in a private mount
    namespace when running as root (root ignores permission bits), else chmod."""
    env = dict(os.environ, PYTHONPATH=str(REPO), HF_HUB_OFFLINE="1")
    cmd = [sys.executable, "-m", "harness", *argv]
    if os.geteuid() != 0:
        os.chmod(root, 0o555)
        try:
            return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
        finally:
            os.chmod(root, 0o755)
    if shutil.which("unshare") is None or subprocess.run(
            ["unshare", "-m", "true"], capture_output=True).returncode != 0:
        pytest.skip("running as root without mount namespaces: a read-only dir cannot be made")
    script = (f'mount --bind "{root}" "{root}" && mount -o remount,bind,ro "{root}" && '
              + " ".join(f'"{c}"' for c in cmd))
    return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.mark.slow  # subprocesses
def test_read_only_results_dir(tmp_path):
    from report_data import two_by_two

    run = two_by_two(tmp_path / "run")
    out = tmp_path / "elsewhere.md"
    before = sorted(p.name for p in run.iterdir())
    proc = _read_only(run, ["report", str(run), "--no-plots", "-o", str(out)])
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [f"harness: warning: {run} is read-only: leaderboard.md not "
                                        "written there"]
    assert "| topics" in out.read_text() and sorted(p.name for p in run.iterdir()) == before
    proc = _read_only(run, ["report", str(run), "--format", "csv"])  # figures off, csv to stdout
    assert proc.returncode == 0 and proc.stdout.startswith("dataset,model")
    proc = _read_only(run, ["doctor", str(run)])
    assert proc.returncode == 0 and "nothing damaged" in proc.stdout
