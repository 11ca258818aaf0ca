"""A real exporter refusal is a failed row, not a crash (slow tier): a tiny FNet (its token mixing
is torch.fft.fftn, for which torch 2.13's ONNX exporter has no symbolic) fine-tuned and evaluated
through every runtime: onnx and onnx-int8 fail with the exporter's one-line reason, the other
runtimes' trials still run and are ok, nothing of the exporter's graph dump reaches the output,
and validate's per model × runtime line says what these runs found (EXERCISED)."""

from __future__ import annotations

import contextlib
import io
import json
import shutil

import pytest
from conftest import tiny_suite

from harness.cli import main
from harness.suite.runtime_checks import EXERCISED, OK

pytest.importorskip("onnxruntime", reason="the [runtimes] extra is not installed")
pytest.importorskip("openvino", reason="the [runtimes] extra is not installed")

ALL = ["torch-bf16", "onnx", "onnx-int8", "openvino", "openvino-bf16"]


def tiny_fnet(tiny_bert, out):
    """tiny_bert's tokenizer beside a randomly initialised 2-layer FNet of the same vocab."""
    import torch
    from transformers import FNetConfig, FNetModel

    out.mkdir()
    for f in tiny_bert.iterdir():
        if f.name not in ("config.json", "model.safetensors"):
            shutil.copy(f, out / f.name)
    vocab = json.loads((tiny_bert / "config.json").read_text(encoding="utf-8"))["vocab_size"]
    torch.manual_seed(0)
    FNetModel(FNetConfig(vocab_size=vocab, hidden_size=32, num_hidden_layers=2,
                         intermediate_size=37, max_position_embeddings=128, pad_token_id=0)
              ).save_pretrained(out)
    return out


@pytest.fixture(scope="module")
def fnet_run(tmp_path_factory, tiny_bert, english_data):
    root = tmp_path_factory.mktemp("refusal")
    model = tiny_fnet(tiny_bert, root / "tiny-fnet")
    suite = root / "suite.yaml"
    suite.write_text(tiny_suite(model, english_data, epochs=1)
                     + f"runtimes: [torch, {', '.join(ALL)}]\n", encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["validate", str(suite)]) == 0  # warnings, no error: the run may go ahead
    said = out.getvalue()
    code = main(["run", str(suite), "--results-dir", str(root / "results")])
    return code, root / "results", said


@pytest.mark.slow  # fine-tunes a tiny FNet and exports it to every runtime
def test_a_refused_export_is_a_failed_row_and_the_others_run(fnet_run):
    from harness.reports.context import load_context
    from harness.reports.runtimes import runtime_rows
    from harness.store.store import ResultsStore

    code, results, _ = fnet_run
    assert code == 1  # a failed trial: the run's exit code says so, after every trial ran
    records = {r.runtime.name if r.runtime else r.method: r for r in ResultsStore(results).records()}
    assert records["finetune"].status == "ok"
    for name in ALL:
        expected = EXERCISED["fnet"][name]
        rec = records[name]
        if expected == OK:
            assert rec.status == "ok", (name, rec.error)
        else:
            assert rec.status == "failed", name
            message = f"{rec.error.type}: {rec.error.message}"
            assert "\n" not in rec.error.message and len(rec.error.message) <= 400
            assert message.startswith("ExportFailed: torch.onnx.export: UnsupportedOperatorError:")
            assert message == f"ExportFailed: {expected}"
    rows = {r["runtime"]: r for r in runtime_rows(load_context(results, n_boot=100), 100)}
    assert rows["onnx"]["verdict"].startswith("failed: ") and "aten::fft_fftn" in rows["onnx"]["verdict"]
    assert rows["openvino"]["verdict"] in ("significant", "not significant")


@pytest.mark.slow  # exports a tiny FNet
def test_the_exporter_graph_dump_stays_out_of_the_output(tmp_path, tiny_bert, capfd):
    """torch's exporter writes the whole Torch IR graph to stdout (C++) before raising; the
    export silences it (the behaviour is checked, at the file descriptors)."""
    import numpy as np

    from harness.runtimes import export, modules

    model_dir = tiny_fnet(tiny_bert, tmp_path / "fnet")
    from transformers import AutoModel

    what = export.Exportable(
        lambda: (modules.hidden_state(AutoModel.from_pretrained(model_dir), -1), ["input_ids"]),
        "hidden_state", {0: "batch", 1: "sequence"},
        {"input_ids": np.array([[2, 5, 6, 3], [2, 7, 3, 0]], dtype=np.int64)})
    capfd.readouterr()
    with pytest.raises(export.ExportFailed, match="aten::fft_fftn"):
        export.ensure(tmp_path / "exports", "onnx", what, [])
    out, err = capfd.readouterr()
    assert "Torch IR graph" not in out + err and "graph(" not in out + err


@pytest.mark.slow  # reads the run above
def test_validate_says_what_the_tests_found(fnet_run):
    said = fnet_run[2]
    for name in ALL:
        line = next(ln for ln in said.splitlines() if f"runtime tiny × {name}" in ln)
        if EXERCISED["fnet"][name] == OK:
            assert line.lstrip().startswith("ok") and "fnet: exported and run" in line, line
        else:
            assert line.lstrip().startswith("warning") and "aten::fft_fftn" in line, line
