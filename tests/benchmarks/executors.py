"""Benchmark: one 20-trial tiny-model suite through `local`, `local --jobs 2` and `ray` (2 workers).

    python tests/benchmarks/executors.py [--only local,jobs2,ray]

The suite: a tiny BERT (tests/tiny_models.py, built offline) fine-tuned on generated 3-topic
data, 5 schedulers × 4 seeds = 20 fine-tunes, plus the majority baseline. Each executor runs it
in a fresh `harness run` process with its own results dir and tokenization cache, so each pays
its own imports, Ray start-up and tokenization. Printed per executor:

    wall       the `harness run` process, start to exit
    compute    Σ the trials' own wall (record.timing.total_wall_s: model load, train, evaluate)
    overhead   wall ÷ compute (below 1 when trials overlap)
    speed-up   local's wall ÷ this wall

On a shared machine the figures move with the load; compare them within one invocation.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

SCHEDULERS = ("linear", "cosine", "constant", "polynomial", "inverse_sqrt")
SEEDS = (1, 2, 3, 4)
VARIANTS = {"local": [], "jobs2": ["--jobs", "2"], "ray": ["--executor", "ray"]}
NAMES = {"local": "local", "jobs2": "local --jobs 2", "ray": "ray (2 workers)"}


def build(work: Path) -> Path:
    import tiny_models
    from conftest import split_rows, tiny_suite, write_csv

    texts, labels = tiny_models.english_texts(n=360, seed=0)
    for name, rows in zip(("train", "validation", "test"), split_rows(texts, labels, 60, 60)):
        write_csv(work / "data" / f"{name}.csv", rows)
    model = tiny_models.make_tiny_bert(work / "bert", texts)
    suite = work / "suite.yaml"
    suite.write_text(tiny_suite(model, work / "data", schedulers=SCHEDULERS, seeds=SEEDS, epochs=1)
                     + "resources: {cpus: 1}\n", encoding="utf-8")
    return suite


def run(variant: str, suite: Path, work: Path) -> tuple[float, float, int, int]:
    from harness.store.store import ResultsStore

    results = work / f"results-{variant}"
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "HARNESS_CACHE": str(work / f"cache-{variant}")}
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "harness", "run", str(suite), "--results-dir",
                           str(results), *VARIANTS[variant]], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"{variant} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    records = ResultsStore(results).records()
    return wall, sum(r.timing.total_wall_s for r in records), len(records), \
        sum(1 for r in records if r.status == "ok")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="local,jobs2,ray")
    variants = parser.parse_args().only.split(",")
    work = Path(tempfile.mkdtemp(prefix="bench-executors-"))
    suite = build(work)
    print(f"executors benchmark: 20 fine-tunes + 1 baseline, tiny BERT, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f} at start")
    base = None
    for variant in variants:
        wall, compute, n, ok = run(variant, suite, work)
        base = base or wall
        print(f"{NAMES[variant]:<16} wall {wall:6.1f} s   compute {compute:6.1f} s   "
              f"overhead {wall / compute:5.2f}   speed-up {base / wall:4.2f}   ({ok}/{n} trials ok)",
              flush=True)
    print(f"load average {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
