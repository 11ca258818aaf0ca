"""harness.cpu: PASSIVE OpenMP waiting only where the machine is busy; the environment wins."""

import sys

import pytest

from harness import cpu


@pytest.fixture
def no_torch(monkeypatch):
    monkeypatch.delitem(sys.modules, "torch", raising=False)  # restored after the test
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)


@pytest.mark.parametrize("load, expected", [(0.1, "default"), (0.9, "default"), (1.0, "PASSIVE"),
                                            (7.5, "PASSIVE")])
def test_policy_follows_load(no_torch, monkeypatch, load, expected):
    monkeypatch.setattr(cpu.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(cpu.os, "getloadavg", lambda: (load, 0.0, 0.0))
    assert cpu.choose_omp_wait_policy() == expected
    assert cpu.os.environ.get("OMP_WAIT_POLICY", "default") == expected


def test_environment_wins(no_torch, monkeypatch):
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    monkeypatch.setattr(cpu.os, "getloadavg", lambda: (99.0, 0.0, 0.0))
    assert cpu.choose_omp_wait_policy() == "ACTIVE"


def test_too_late_once_torch_is_loaded(monkeypatch):
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    monkeypatch.setitem(sys.modules, "torch", object())
    monkeypatch.setattr(cpu.os, "getloadavg", lambda: (99.0, 0.0, 0.0))
    assert cpu.choose_omp_wait_policy() == "default"  # OpenMP already read its environment
