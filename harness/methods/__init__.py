"""Methods: one folder each (finetune, probe, mteb, majority, ...), all behind the Method
contract of base.py and listed in registry.py. A folder holds the method's suite spec, how it
expands into trials (what enters their keys), its validate checks, its `run` and its report
table if it has one.

May import: harness.specs, data, models, metrics, fingerprint, trial, store, errors and the
leaf helpers (cpu, faults, quiet, hub). Never suite, plan, execution, reports or above: they ask
the registry. Method folders do not import each other.
"""
