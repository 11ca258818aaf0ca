"""Executor registry: how the plan's trials get run. `local` runs them one at a time here.

Every executor keeps the same rules: a trial whose key already has an ok record is skipped (a
metric the suite gained since is computed from its stored test predictions); each
finished trial's record is written at once (atomically), so a crash loses at most the trial in
flight; one failing trial never stops the others.
"""

from __future__ import annotations

import time

from harness.quiet import quiet_libraries
from harness.trials.context import TrialContext


def _summary(record, main: str) -> str:
    if record.status != "ok":
        return f"{record.status}: {record.error.type}: {record.error.message}" if record.error \
            else record.status
    test = record.metrics.get("test", {})
    if record.embedding is not None and record.method == "mteb":  # its eval split's main score
        test = {"main_score": record.metrics.get(record.embedding.eval_split, {}).get("main_score")}
    shown = ", ".join(f"{k} {v:.4f}" for k, v in test.items() if v is not None)
    return f"ok ({shown}; {record.timing.total_wall_s:.1f} s)"


def run_local(trials, suite, store, run_id, *, verbose=False, echo=print) -> dict[str, str]:
    import transformers  # noqa: F401  (imported here so quiet_libraries silences it too)

    quiet_libraries(verbose)
    ctx = TrialContext(suite=suite, store=store, run_id=run_id, verbose=verbose)
    outcomes: dict[str, str] = {}
    width = len(str(len(trials)))
    for i, trial in enumerate(trials, 1):
        prefix = f"[{i:>{width}}/{len(trials)}] {trial.label}"
        done = store.finished(trial.trial_id, trial.key)
        if done:
            outcomes[trial.trial_id] = "skipped"
            from harness.trials.backfill import backfill_test_metrics

            added = backfill_test_metrics(done, trial, suite, store)
            echo(f"{prefix}: done earlier, skipped"
                 + (f"; added {', '.join(added)} from stored test predictions" if added else ""))
            continue
        from harness.trials.execute import execute

        t0 = time.perf_counter()
        echo(f"{prefix} ...")
        record = execute(trial, ctx)
        store.write_record(record)
        outcomes[trial.trial_id] = record.status
        echo(f"{prefix}: {_summary(record, suite.main)} [{time.perf_counter() - t0:.1f} s]")
    return outcomes


EXECUTORS = {"local": run_local}
