"""`harness run --jobs 2` with runtime trials (slow tier): each runtime trial starts only after
its source fine-tune has a record (the parallel executor holds it back while the source is
unsettled), reads the model that fine-tune kept, and the two runtime trials, running at once,
export it once (int8 is made from the onnx export, under the export's file lock)."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import tiny_suite

from harness.cli import main
from harness.store.store import ResultsStore

pytest.importorskip("onnxruntime", reason="the [runtimes] extra is not installed")


@pytest.mark.slow  # worker processes training tiny BERTs, then exporting them to ONNX
def test_jobs_2_runs_runtime_trials_after_their_source(tmp_path, tiny_bert, english_data,
                                                        monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path / "cache"))
    suite = tmp_path / "suite.yaml"
    suite.write_text(tiny_suite(tiny_bert, english_data, seeds=(1,), epochs=1)
                     + "runtimes: [torch, onnx, onnx-int8]\n", encoding="utf-8")
    assert main(["run", str(suite), "--results-dir", str(tmp_path / "results"),
                 "--jobs", "2"]) == 0
    records = ResultsStore(tmp_path / "results").records()
    assert all(r.status == "ok" for r in records), [r.error for r in records if r.error]
    sources = {r.trial_id: r for r in records if r.method == "finetune" and r.runtime is None}
    through = [r for r in records if r.runtime is not None]
    assert len(sources) == 1 and len(through) == 2
    made: dict[str, int] = {}
    for r in through:
        source = sources[r.runtime.source_trial_id]
        assert r.runtime.source_key == source.key and r.seed == source.seed
        assert datetime.fromisoformat(r.started_at) >= datetime.fromisoformat(source.finished_at)
        for step in r.runtime.export:
            made[step["export"]] = made.get(step["export"], 0) + (not step["reused"])
    assert made == {"onnx": 1, "onnx-int8": 1}  # once, though both trials needed the onnx export
    assert not list((tmp_path / "results" / "claims").glob("*.claim"))
