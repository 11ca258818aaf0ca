"""Bad `tracking:` entries: one line each naming file, line and field, exit 2, before any compute;
tracking never enters a trial key; validate with trackers stays light."""

from __future__ import annotations

import socket
import time

import pytest
from conftest import light, tiny_suite

from harness.cli import main
from harness.plan.trials import build_plan
from harness.suite.loader import load_suite


def _suite(write_suite, tiny_bert, english_data, tracking: str):
    return write_suite(tiny_suite(tiny_bert, english_data) + f"tracking:\n{tracking}\n")


def _errors(capsys, *argv) -> tuple[int, list[str]]:
    code = main(list(argv))
    return code, [line for line in capsys.readouterr().err.splitlines() if "error" in line]


def _closed_port() -> int:
    with socket.socket() as s:  # bound, never listening: connections are refused
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unknown_tracker(write_suite, tiny_bert, english_data, capsys):
    path = _suite(write_suite, tiny_bert, english_data, "  - neptune")
    code, lines = _errors(capsys, "validate", str(path))
    assert code == 2 and len(lines) == 1, lines
    assert f"{path}:" in lines[0] and "tracking.0" in lines[0] and "neptune" in lines[0], lines


def test_unwritable_log_dir(write_suite, tiny_bert, english_data, capsys, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")  # root ignores chmod: a folder under a file cannot be made by anyone
    path = _suite(write_suite, tiny_bert, english_data,
                  f"  - {{type: tensorboard, log_dir: {blocker}/tb}}")
    code, lines = _errors(capsys, "run", str(path), "--results-dir", str(tmp_path / "results"))
    assert code == 2 and len(lines) == 1, lines
    assert "tracking.0.log_dir" in lines[0] and "is a file, not a folder" in lines[0], lines
    assert not (tmp_path / "results").exists()  # nothing written, nothing computed


def test_tracking_uri_that_does_not_answer(write_suite, tiny_bert, english_data, capsys):
    port = _closed_port()
    path = _suite(write_suite, tiny_bert, english_data,
                  f"  - {{type: mlflow, tracking_uri: 'http://127.0.0.1:{port}'}}")
    t0 = time.perf_counter()
    code, lines = _errors(capsys, "validate", str(path))
    assert time.perf_counter() - t0 < 10
    assert code == 2 and len(lines) == 1, lines
    assert "tracking.0.tracking_uri" in lines[0] and "does not answer" in lines[0], lines


def test_missing_package_and_duplicate(write_suite, tiny_bert, english_data, capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr("harness.trackers.checks.importlib.util.find_spec",
                        lambda name, *a: None if name == "wandb" else real(name, *a))
    path = _suite(write_suite, tiny_bert, english_data, "  - wandb")
    code, lines = _errors(capsys, "validate", str(path))
    assert code == 2 and len(lines) == 1 and "needs the wandb package" in lines[0], lines
    assert "harness[tracking]" in lines[0]
    path = _suite(write_suite, tiny_bert, english_data, "  - mlflow\n  - mlflow")
    code, lines = _errors(capsys, "validate", str(path))
    assert code == 2 and len(lines) == 1 and "tracking.1" in lines[0] and "twice" in lines[0], lines


def test_tracking_never_enters_a_key(tiny_bert, english_data, write_suite):
    plain = load_suite(write_suite(tiny_suite(tiny_bert, english_data), "a.yaml")).suite
    tracked = load_suite(_suite(write_suite, tiny_bert, english_data,
                                "  - tensorboard\n  - {type: wandb, project: p}")).suite
    assert [t.key for t in build_plan(plain)] == [t.key for t in build_plan(tracked)]


def test_validate_with_trackers_stays_light(write_suite, tiny_bert, english_data):
    for package in ("tensorboard", "mlflow", "wandb"):
        pytest.importorskip(package, reason="the [tracking] extra is not installed")
    path = _suite(write_suite, tiny_bert, english_data, "  - tensorboard\n  - mlflow\n  - wandb")
    proc = light("validate", str(path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "HEAVY=", proc.stderr
