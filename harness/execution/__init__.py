"""Execution: how the plan's trials get run and their records written.

executors.py (name -> driver: local, ray) · sequential.py (one at a time, in process) ·
parallel.py (--jobs / Ray over a Backend) · settle.py (what both drivers share: skip, summary,
model cards) · execute.py (one trial -> a TrialRecord) · retry.py (out of memory) ·
backend.py (the Backend contract, the dispatch loop) · processes.py + preload.py (--jobs) ·
ray/ (the Ray backend and `validate --executor ray`'s reachability check) · worker.py (a trial in
a worker) · scheduling.py, progress.py, interrupt.py, backfill.py.

May import: harness.plan, suite, methods (the registry), inspection, store, data, models and
below. Never reports, history, compare or the commands.
"""
