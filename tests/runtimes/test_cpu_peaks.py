"""The measured CPU peak records how busy the machine was and is measured again while its cached
entry came from a busy machine (once per process), keeping the higher peak; the report's note
says when the factor it quotes was measured under load (fast: the probe is replaced)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from harness.runtimes import cpu_peaks


@pytest.fixture
def probe(monkeypatch, tmp_path):
    """`measured` lists the probe's calls; `state` sets what the next probe and sample see."""
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path))
    monkeypatch.setattr(cpu_peaks, "_REMEASURED", set())
    state = {"busy": 0.1, "fp32": 30e9, "bf16": 90e9}
    measured = []

    def measure(threads):
        measured.append(dict(state))
        return {"fp32": state["fp32"], "bf16": state["bf16"]}

    monkeypatch.setattr(cpu_peaks, "measure", measure)
    monkeypatch.setattr(cpu_peaks, "busy_cores", lambda: state["busy"])
    return SimpleNamespace(state=state, measured=measured, new_process=lambda: monkeypatch.setattr(
        cpu_peaks, "_REMEASURED", set()))


def test_a_quiet_measurement_is_cached_with_its_load(probe):
    first = cpu_peaks.cpu_peaks()
    assert first["load"]["under_load"] is False and first["load"]["busy_cores"] == 0.1
    assert "load_1m" in first["load"] and first["load"]["cores"] >= 1
    probe.new_process()
    assert cpu_peaks.cpu_peaks() == first and len(probe.measured) == 1
    stored = json.loads(cpu_peaks.cache_file().read_text(encoding="utf-8"))
    assert stored[first["key"]]["load"] == first["load"]


def test_a_busy_measurement_is_measured_again_until_a_quiet_one(probe):
    cores = cpu_peaks.os.cpu_count() or 1
    probe.state.update(busy=cores * 0.9, fp32=10e9, bf16=20e9)
    busy = cpu_peaks.cpu_peaks()
    assert busy["load"]["under_load"] is True
    assert cpu_peaks.cpu_peaks() == busy and len(probe.measured) == 1  # once per process
    probe.new_process()
    probe.state.update(fp32=8e9, bf16=25e9)  # still busy: the higher peak of each dtype stands
    again = cpu_peaks.cpu_peaks()
    assert (again["fp32"], again["bf16"]) == (10e9, 25e9) and again["load"]["under_load"]
    probe.new_process()
    probe.state.update(busy=0.0, fp32=30e9, bf16=60e9)  # quiet: replaces, and is kept
    quiet = cpu_peaks.cpu_peaks()
    assert (quiet["fp32"], quiet["bf16"]) == (30e9, 60e9) and not quiet["load"]["under_load"]
    probe.new_process()
    assert cpu_peaks.cpu_peaks() == quiet and len(probe.measured) == 3


def test_an_entry_without_a_load_figure_is_measured_again(probe):
    entry = cpu_peaks.cpu_peaks()
    old = {k: v for k, v in entry.items() if k != "load"}  # as cached before this change
    cpu_peaks.cache_file().write_text(json.dumps({entry["key"]: old}), encoding="utf-8")
    probe.new_process()
    assert "load" in cpu_peaks.cpu_peaks() and len(probe.measured) == 2


def test_the_report_note_says_when_the_factor_came_from_a_busy_machine(probe):
    from harness.cpu_features import cpu_facts

    model, features = cpu_facts()
    if not model:
        pytest.skip("no CPU model name on this machine: the note needs one")
    cores = cpu_peaks.os.cpu_count() or 1
    probe.state.update(busy=cores * 1.0)
    cpu_peaks.cpu_peaks()
    env = SimpleNamespace(device="cpu", precision="float32", cpu_model=model,
                          cpu_features=features)
    record = SimpleNamespace(environment=env, model_name="m", runtime=None)
    (note,) = cpu_peaks.bf16_note([record])
    assert "×3.00" in note and "measured while the machine was busy" in note
    probe.new_process()
    probe.state.update(busy=0.0)
    cpu_peaks.cpu_peaks()
    (note,) = cpu_peaks.bf16_note([record])
    assert "busy" not in note
