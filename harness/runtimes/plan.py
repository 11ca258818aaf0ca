"""Runtime trials: one per source trial × runtime other than torch.

A source trial is what a method evaluates in torch: a fine-tune (the trained model) or a probe
or mteb trial (the frozen encoder). Its runtime trial reads the model that trial evaluated,
exported once per source and runtime (harness.runtimes.cache), and predicts the same test
examples again. Key material: the source trial's material and key, plus the runtime's name,
precision, package versions, quantisation config and compile hints, so a new runtime package
or quantisation setting never reuses an old result, and adding a runtime changes no other key.
Runtime trials follow their source in plan order (sequential runs need nothing more; parallel
executors wait for `after`). Light: no torch.
"""

from __future__ import annotations

from dataclasses import replace

from harness.fingerprint import package_versions
from harness.runtimes.catalog import RUNTIMES, non_reference
from harness.trial import Trial, safe_name, trial_key


def runtime_material(name: str) -> dict:
    rt = RUNTIMES[name]
    return {"name": rt.name, "precision": rt.precision, "packages": package_versions(rt.packages),
            "quantization": rt.quantization, "hints": rt.hints}


def runtime_trial(source: Trial, name: str) -> Trial:
    material = {**source.key_material, "source_key": source.key, "runtime": runtime_material(name)}
    key = trial_key(material)
    stem = source.trial_id.rsplit("__", 1)[0]
    return replace(source, key=key, trial_id=f"{stem}__{safe_name(name)}__{key[:12]}",
                   key_material=material, runtime=name, after=source.trial_id)


def with_runtimes(sources: list[Trial], runtimes: list[str]) -> list[Trial]:
    """Each source trial followed by its runtime trials (in the order the suite lists them)."""
    out: list[Trial] = []
    for source in sources:
        out.append(source)
        out += [runtime_trial(source, name) for name in non_reference(runtimes)]
    return out
