"""Executor registry: how the plan's trials get run. `local` runs them one at a time here.

Every executor keeps the same rules: a trial whose key already has an ok record is skipped (a
metric the suite gained since is computed from its stored test predictions); each
finished trial's record is written at once (atomically), so a crash loses at most the trial in
flight; one failing trial never stops the others; a trial is claimed before it runs, so two runs
on one results dir never run it twice (harness.trials.local_run, harness.store.claims).
"""

from __future__ import annotations

from harness.quiet import quiet_libraries


def run_local(trials, suite, store, run_id, *, verbose=False, echo=print) -> dict[str, str]:
    import transformers  # noqa: F401  (imported here so quiet_libraries silences it too)

    from harness.trials.local_run import run_trials

    quiet_libraries(verbose)
    return run_trials(trials, suite, store, run_id, verbose=verbose, echo=echo)


EXECUTORS = {"local": run_local}
