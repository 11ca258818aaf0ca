"""Validate-time checks of `probe` against the models' files, without torch: `pooling: pooler`
needs trained pooler weights (read from safetensors headers; a model loaded without them gets a
random pooler), and `layer` must exist (config.json num_hidden_layers)."""

from __future__ import annotations

from harness.errors import HarnessError
from harness.methods.base import Finding, SuiteFile
from harness.methods.probe.spec import ProbeMethod
from harness.models.files import has_pooler, local_files, read_config


def check_probe(method: ProbeMethod, j: int,
                loaded: SuiteFile) -> tuple[list[Finding], list[HarnessError]]:
    findings, errors = [], []
    for spec in loaded.suite.models:
        local = local_files(spec)
        item = f"probe {spec.display_name}"
        if local is None:
            findings.append(Finding(item, "not checked", "model files not local: pooler and layer "
                                                         "are checked when the trial runs"))
            continue
        layers = read_config(local).get("num_hidden_layers")
        if isinstance(layers, int) and not -(layers + 1) <= method.layer <= layers:
            errors.append(loaded.error(
                f"layer {method.layer} does not exist in {spec.display_name} ({layers} layers: "
                f"hidden_states index {-(layers + 1)}..{layers})", ("methods", j, "layer")))
        if "pooler" in method.pooling:
            pooler = has_pooler(local)
            if pooler is False:
                errors.append(loaded.error(
                    f"model {spec.display_name} has no trained pooler weights (no pooler.dense.* "
                    "in its safetensors): its pooler_output would be random; use cls or mean",
                    ("methods", j, "pooling", method.pooling.index("pooler"))))
            elif pooler is None:
                findings.append(Finding(item, "not checked", "no safetensors weights: the pooler "
                                                             "is checked when the trial loads it"))
    return findings, errors
