"""Validate-time checks of `runtimes:` (no torch, no runtime package imported):

- a runtime whose package is not installed: one error naming the field and the extra, so
  `harness run` stops before any compute;
- per model × runtime: whether this harness has exercised the exporter on the model's
  architecture (`model_type` in config.json): TESTED types are ok, others are "not checked" (the
  export runs when the trial does; a refusal is a failed row with the exporter's reason), and
  a model with `trust_remote_code` is a warning (its own code may not trace);
- the machine: the CPU's matrix features and which runtimes they accelerate.
"""

from __future__ import annotations

from harness.cpu_features import cpu_facts, describe
from harness.fingerprint import package_versions
from harness.methods.base import Finding
from harness.runtimes.catalog import EXTRA, RUNTIMES, accelerated, missing_modules, non_reference

# Architectures whose export through every runtime this project's tests or figures ran
# (tests/runtimes: tiny BERT; docs/runtimes.md: MiniLM, a BERT).
TESTED = {"bert"}


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
            elif kind in TESTED:
                findings.append(Finding(item, "ok", f"{kind}: exported and run in this "
                                        f"project's tests ({versions or 'torch'})"))
            else:
                findings.append(Finding(item, "not checked", f"{kind or 'model type unknown'}: "
                                        f"not exercised here; the export ({versions or 'torch'})"
                                        " runs with the trial and a refusal is a failed row"))
    if any(non_reference(suite.runtimes_for(m)) for m in suite.models):
        findings.append(Finding("runtimes this machine", "ok", machine_line()))
    return findings, errors
