"""Executor registry: how the plan's trials get run. `local` runs them one at a time here.

Every executor keeps the same rules: a trial whose key already has an ok record is skipped (a
metric the suite gained since is computed from its stored test predictions); each
finished trial's record is written at once (atomically), so a crash loses at most the trial in
flight; one failing trial never stops the others; a trial is claimed before it runs, so two runs
on one results dir never run it twice (harness.execution.sequential, harness.store.claims).
"""

from __future__ import annotations

from harness.quiet import quiet_libraries
from harness.store.store import ResultsStore
from harness.suite.schema import Suite
from harness.trial import Trial

# The drivers import torch-heavy modules inside: this module is imported by `harness run` before
# the OpenMP policy is chosen, and by `report`, which must stay light.


def run_local(trials: list[Trial], suite: Suite, store: ResultsStore, run_id: str, *,
              verbose: bool = False, echo=print, pruning=None, ctx=None) -> dict[str, str]:
    """One trial at a time in this process (harness.execution.sequential); `pruning` and `ctx`
    are a search's (harness.search.driver)."""
    import transformers  # noqa: F401  (imported here so quiet_libraries silences it too)

    from harness.execution.sequential import run_trials

    quiet_libraries(verbose)
    return run_trials(trials, suite, store, run_id, verbose=verbose, echo=echo, pruning=pruning,
                      ctx=ctx)


def run_local_or_jobs(trials: list[Trial], suite: Suite, store: ResultsStore, run_id: str, *,
                      jobs: int = 1, retries: int | None = None, verbose: bool = False,
                      echo=print, **_) -> dict[str, str]:
    """`local`: in this process one at a time; with `--jobs N` (N > 1) through worker processes."""
    if jobs <= 1:
        return run_local(trials, suite, store, run_id, verbose=verbose, echo=echo)
    from harness.execution.parallel import DEFAULT_RETRIES, run_parallel
    from harness.execution.processes import ProcessBackend

    backend = ProcessBackend(jobs)
    echo(f"harness: local executor: {jobs} worker processes, {backend.threads} torch threads each"
         + (f", GPUs {', '.join(backend.gpus)} pinned round robin" if backend.gpus else ""))
    return run_parallel(trials, suite, store, run_id, backend,
                        retries=DEFAULT_RETRIES if retries is None else retries,
                        verbose=verbose, echo=echo)


def run_ray(trials: list[Trial], suite: Suite, store: ResultsStore, run_id: str, *,
            address: str | None = None, retries: int | None = None, verbose: bool = False,
            echo=print, **_) -> dict[str, str]:
    """`ray`: each trial a Ray task with the suite's resources (harness.execution.ray.backend)."""
    from harness.execution.parallel import DEFAULT_RETRIES, run_parallel
    from harness.execution.ray.backend import RayBackend

    backend = RayBackend(suite, address=address, echo=echo)
    return run_parallel(trials, suite, store, run_id, backend,
                        retries=DEFAULT_RETRIES if retries is None else retries,
                        job_options=backend.job_options(trials), verbose=verbose, echo=echo)


EXECUTORS = {"local": run_local_or_jobs, "ray": run_ray}  # --executor NAME: one line each
