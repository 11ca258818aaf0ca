"""Method registry: a method is one folder under harness/methods/ and one line in PLUGINS.

Each folder's `__init__` defines METHOD (a harness.methods.base.Method) and stays light: specs,
expansion and checks import pydantic and the standard library only; `run` imports torch and
the rest when a trial runs, so `harness validate` and `harness report` never load them.
"""

from __future__ import annotations

from importlib import import_module

from harness.methods.base import Method

PLUGINS = (  # one line a method; suites' `type:` union and baselines follow this order
    "harness.methods.majority",
    "harness.methods.finetune",
    "harness.methods.probe",
    "harness.methods.mteb",
    "harness.methods.tfidf",
)

METHODS: dict[str, Method] = {m.name: m for m in (import_module(p).METHOD for p in PLUGINS)}


def method(name: str) -> Method:
    """The method a trial or record names (KeyError for a name no plugin registers)."""
    return METHODS[name]


def listed() -> list[Method]:
    """Methods a suite lists under `methods:` (those with a spec), in registry order."""
    return [m for m in METHODS.values() if m.spec is not None]


def baselines() -> list[Method]:
    """Methods planned for every dataset without being listed (the majority class)."""
    return [m for m in METHODS.values() if m.baseline]


def is_baseline(name: str) -> bool:
    """A method name, or a row label a baseline gives its rows ('train mean'), is a baseline."""
    if name in METHODS:
        return METHODS[name].baseline
    return any(name in m.row_labels() for m in baselines())
