"""Method registry: name -> run(trial, ctx) -> MethodOutcome. One module a method, one line here.

Modules are imported when a trial runs, so `harness validate` never loads torch.
"""

from __future__ import annotations

import importlib

METHODS: dict[str, str] = {
    "majority": "harness.trials.majority",
    "finetune": "harness.trials.finetune",
    "probe": "harness.trials.probe",
    "mteb": "harness.trials.mteb",
}


def method_runner(name: str):
    return importlib.import_module(METHODS[name]).run
