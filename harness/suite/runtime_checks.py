"""Validate-time checks of `runtimes:` (no torch, no runtime package imported):

- a runtime whose package is not installed: one error naming the field and the extra, so
  `harness run` stops before any compute;
- per model × runtime: what this project's tests found for the model's architecture
  (`model_type` in config.json) and that runtime (EXERCISED): "ok" where a test exported it and
  ran it, a warning naming the refusal where a test saw the exporter refuse it, "not checked"
  for any other pair (the export runs when the trial does; a refusal is a failed row with the
  exporter's reason); a model with `trust_remote_code` is a warning (its own code may not
  trace);
- the machine: the CPU's matrix features and which runtimes they accelerate.
"""

from __future__ import annotations

from harness.cpu_features import cpu_facts, describe
from harness.fingerprint import package_versions
from harness.methods.base import Finding
from harness.runtimes.catalog import EXTRA, RUNTIMES, accelerated, missing_modules, non_reference

# model_type -> runtime -> what a test in tests/runtimes found with the pinned packages
# (torch 2.13, onnxruntime, openvino of the [runtimes] extra): OK, or the refusal it asserts.
# A test keeps each entry true (test_runtime_trials.py: bert through all six;
# test_export_refusal.py: fnet); add a model type here only with a test that runs it.
OK = "ok"
_FFT = ("torch.onnx.export: UnsupportedOperatorError: Exporting the operator 'aten::fft_fftn' "
        "to ONNX opset version 17 is not supported")
EXERCISED: dict[str, dict[str, str]] = {
    "bert": dict.fromkeys(("torch-bf16", "onnx", "onnx-int8", "openvino", "openvino-bf16"), OK),
    "fnet": {"torch-bf16": OK, "onnx": _FFT, "onnx-int8": _FFT, "openvino": OK,
             "openvino-bf16": OK},
}


def machine_line(features: list[str] | None = None) -> str:
    """'AMD EPYC: AVX-512 BF16, AVX-512 VNNI, AVX-512F, AVX2 (no AMX); accelerates ...'."""
    model, found = cpu_facts()
    features = found if features is None else features
    fast = accelerated(features)
    said = "; ".join(f"{name} ({', '.join(f)})" for name, f in fast.items()) or "none of the " \
        "bf16/int8 runtimes (they may run slower than fp32 here)"
    return f"{model or 'CPU'}: {describe(features)}; accelerates {said}"


def check_runtimes(loaded, model_types: dict[str, str | None]) -> tuple[list[Finding], list]:
    """(findings, errors) of the suite's runtimes. `model_types`: display name -> config.json
    model_type (None when the files are not local)."""
    suite = loaded.suite
    findings, errors, reported = [], [], set()
    for i, model in enumerate(suite.models):
        names = non_reference(suite.runtimes_for(model))
        if not names:
            continue
        base = ("models", i, "runtimes") if model.runtimes else ("runtimes",)
        listed = model.runtimes or suite.runtimes
        for name in names:
            missing = missing_modules(name)
            key = (base, name)
            if missing and key not in reported:
                reported.add(key)
                errors.append(loaded.error(
                    f"runtime {name} needs {', '.join(missing)}, not installed: {EXTRA}",
                    (*base, listed.index(name))))
                continue
            if missing:
                continue
            kind = model_types.get(model.display_name)
            versions = ", ".join(f"{k} {v}" for k, v in package_versions(RUNTIMES[name].packages
                                                                        ).items() if v)
            item = f"runtime {model.display_name} × {name}"
            if model.trust_remote_code:
                findings.append(Finding(item, "warning", "trust_remote_code: the model's own "
                                        "code may not trace; a refusal is a failed row"))
            elif EXERCISED.get(kind, {}).get(name) == OK:
                findings.append(Finding(item, "ok", f"{kind}: exported and run in this "
                                        f"project's tests (installed: {versions or 'torch'})"))
            elif name in EXERCISED.get(kind, {}):
                findings.append(Finding(item, "warning", f"{kind}: refused in this project's "
                                        f"tests ({EXERCISED[kind][name]}; installed: "
                                        f"{versions or 'torch'}): the trial will be a failed row"))
            else:
                findings.append(Finding(item, "not checked", f"{kind or 'model type unknown'}: "
                                        f"not exercised here; the export ({versions or 'torch'})"
                                        " runs with the trial and a refusal is a failed row"))
    if any(non_reference(suite.runtimes_for(m)) for m in suite.models):
        findings.append(Finding("runtimes this machine", "ok", machine_line()))
    return findings, errors
