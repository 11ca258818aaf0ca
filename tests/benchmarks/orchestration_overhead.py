"""Benchmark: what the harness costs around the trials, and how fast its light commands are.

    python tests/benchmarks/orchestration_overhead.py

1. A 20-trial suite on a tiny BERT (built offline, tests/tiny_models.py): 5 schedulers × 4 seeds,
   plus the majority baseline, run in-process through harness.runner.run_suite. Overhead =
   suite wall (run_suite call to return: validate, plan, every trial, records, report) ÷ Σ the
   trials' own wall (record.timing.total_wall_s). Target <= 1.05.
2. `harness --help` (best of 3) and `harness validate suites/clinc-minilm.yaml` in fresh
   processes (python -m harness ...): validate's first run from an empty HARNESS_CACHE checks
   the data for real; the next two find it remembered (harness/data/checked.py), best of those.
   Target < 1 s each.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

SCHEDULERS = ("linear", "cosine", "constant", "polynomial", "inverse_sqrt")
SEEDS = (1, 2, 3, 4)


def suite_overhead() -> tuple[float, float, int]:
    import tiny_models
    from conftest import split_rows, tiny_suite, write_csv

    from harness.runner import run_suite
    from harness.store.store import ResultsStore

    work = Path(tempfile.mkdtemp(prefix="bench-overhead-"))
    texts, labels = tiny_models.english_texts(n=360, seed=0)
    for name, rows in zip(("train", "validation", "test"), split_rows(texts, labels, 60, 60)):
        write_csv(work / "data" / f"{name}.csv", rows)
    model = tiny_models.make_tiny_bert(work / "bert", texts)
    suite = work / "suite.yaml"
    suite.write_text(tiny_suite(model, work / "data", schedulers=SCHEDULERS, seeds=SEEDS, epochs=1),
                     encoding="utf-8")
    os.environ["HARNESS_CACHE"] = str(work / "cache")
    # Library import cost is not orchestration (a real run pays it once, whatever runs it):
    import datasets  # noqa: F401  (0.9 s here; a run imports it to load the data)
    import transformers  # noqa: F401

    t0 = time.perf_counter()
    code = run_suite(suite, work / "results", echo=lambda *a, **k: None)
    wall = time.perf_counter() - t0
    records = ResultsStore(work / "results").records()
    assert code == 0, [r.error for r in records if r.error]
    return wall, sum(r.timing.total_wall_s for r in records), len(records)


def command_seconds(*argv: str, cache: Path | None = None) -> tuple[float, float]:
    """(first, best of 3) seconds of `harness ARGV` in fresh processes; `cache` (HARNESS_CACHE,
    empty at the start) makes the first a cold validate and the rest warm ones."""
    times = []
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if cache is not None:
        env["HARNESS_CACHE"] = str(cache)
    for _ in range(3):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "harness", *argv], cwd=REPO, env=env,
                              capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            raise SystemExit(f"harness {' '.join(argv)} failed: {proc.stderr.strip()}")
    return times[0], min(times)


def main() -> int:
    _, help_s = command_seconds("--help")
    clinc = (REPO.parent / "shared" / "datasets" / "clinc150").is_dir() or os.environ.get("HARNESS_DATA")
    suite = "suites/clinc-minilm.yaml" if clinc else "suites/demo.yaml"
    cold_s, validate_s = command_seconds("validate", suite,
                                         cache=Path(tempfile.mkdtemp(prefix="bench-validate-")))
    wall, trials, n = suite_overhead()
    print(f"{n} trials ({n - 1} fine-tunes + majority): suite wall {wall:.2f} s, "
          f"sum of trial walls {trials:.2f} s")
    print(f"harness --help {help_s:.2f} s (best of 3); harness validate {suite}: first (data "
          f"checked for real) {cold_s:.2f} s, again (data unchanged, remembered) {validate_s:.2f} s")
    print(f"overhead={wall / trials:.3f} help_s={help_s:.2f} validate_s={validate_s:.2f} "
          f"validate_first_s={cold_s:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
