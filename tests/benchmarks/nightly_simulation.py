"""Simulated nightly history on tiny models: does `harness compare` flag exactly an injected
regression, and how often does it raise a false alarm on noise alone?

    python tests/benchmarks/nightly_simulation.py [--nights 7] [--seeds 3] [--inject 4] [--out DIR]

Each night runs `harness nightly` (in-process) on one suite of two tiny BERTs (tests/tiny_models.py)
× one generated 3-class data set, with that night's own seeds (so every trial is computed) and its
own code stamp (HARNESS_CODE_STAMP). Night `--inject` trains with a 100× learning rate (the
injected real regression; it applies to both models' rows of that night). Then:
- the nightly comparisons (each night against the previous one): rows flagged per night;
- every pair of clean nights (noise only: same config, other seeds): the false-alarm rate over
  their model rows (target <= 5 %);
- every pair with the injected night: how many of its rows are flagged (detection).
Quality rows only (test accuracy, the main metric); throughput/latency ratio rows are counted
apart (CPU timings on a shared machine are noisy: read them as such).
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

LR = 3.0e-3

SUITE = """name: nightly-sim
models:
  - {{name: tiny-a, path: {m1}, max_length: 32}}
  - {{name: tiny-b, path: {m2}, max_length: 32}}
datasets:
  - name: topics
    files: {{train: {d}/train.csv, validation: {d}/validation.csv, test: {d}/test.csv}}
    label_names: [sports, food, weather]
training:
  epochs: 3
  learning_rate: {lr}
  batch_size: 16
  logging_steps: 5
metrics: [accuracy, f1_macro, mcc]
seeds: [{seeds}]
"""


def build(work: Path) -> tuple[Path, Path, Path]:
    import tiny_models
    from conftest import split_rows, write_csv

    texts, labels = tiny_models.english_texts(n=360, seed=0)
    train, val, test = split_rows(texts, labels, n_test=60, n_val=60)
    for name, rows in (("train", train), ("validation", val), ("test", test)):
        write_csv(work / "data" / f"{name}.csv", rows)
    m1 = tiny_models.make_tiny_bert(work / "m1", texts)
    m2 = tiny_models.make_tiny_bert(work / "m2", texts, seed=1)
    return m1, m2, work / "data"


def model_rows(comparison, metric="accuracy"):
    return [r for r in comparison.rows if r.metric == metric and r.model != "-"]


def flagged(rows):
    return [r for r in rows if r.decision.verdict in ("regressed", "improved")]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nights", type=int, default=7)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--inject", type=int, default=4, help="night with the 100× learning rate")
    ap.add_argument("--out", help="work dir (default: a new temp dir)")
    args = ap.parse_args()

    from harness.cli import main as harness
    from harness.compare.render import render
    from harness.compare.rows import compare_runs

    work = Path(args.out or tempfile.mkdtemp(prefix="nightly-sim-"))
    m1, m2, data = build(work)
    root = work / "history"
    walls, codes = [], []
    for night in range(1, args.nights + 1):
        seeds = ", ".join(str(100 * night + s) for s in range(1, args.seeds + 1))
        lr = LR * (100 if night == args.inject else 1)
        suite = work / f"suite-night{night}.yaml"
        suite.write_text(SUITE.format(m1=m1, m2=m2, d=data, lr=f"{lr:.1e}", seeds=seeds))
        os.environ["HARNESS_CODE_STAMP"] = f"sim-build-{night}"
        t0 = time.perf_counter()
        with redirect_stdout(io.StringIO()):
            codes.append(harness(["nightly", str(suite), "--root", str(root),
                                  "--name", f"night-{night}"]))
        walls.append(time.perf_counter() - t0)
        print(f"night {night}: lr {lr:.1e}, seeds {seeds}: exit {codes[-1]}, {walls[-1]:.1f} s")

    nights = [root / f"night-{n}" for n in range(1, args.nights + 1)]
    print("\nNightly comparisons (each night against the previous one), accuracy rows flagged:")
    for n in range(2, args.nights + 1):
        rows = model_rows(compare_runs(nights[n - 2], nights[n - 1]))
        shown = ", ".join(f"{r.model} {r.decision.verdict} (Δ {r.delta:+.3f}, p {r.decision.p:.3g})"
                          for r in flagged(rows)) or "none"
        print(f"  night-{n} vs night-{n - 1}: {shown}")

    clean = [n for n in range(1, args.nights + 1) if n != args.inject]
    noise_rows, noise_flags, ratio_rows, ratio_flags = 0, [], 0, 0
    for i, j in itertools.combinations(clean, 2):
        c = compare_runs(nights[i - 1], nights[j - 1])
        rows = model_rows(c)
        noise_rows += len(rows)
        noise_flags += [(i, j, r) for r in flagged(rows)]
        ratios = [r for r in c.rows if r.is_ratio]
        ratio_rows += len(ratios)
        ratio_flags += sum(1 for r in ratios if r.decision.verdict in ("regressed", "improved"))
    detect_rows, detect_hits = 0, 0
    for n in clean:
        base, new = (n, args.inject) if n < args.inject else (args.inject, n)
        rows = model_rows(compare_runs(nights[base - 1], nights[new - 1]))
        want = "regressed" if new == args.inject else "improved"
        detect_rows += len(rows)
        detect_hits += sum(1 for r in rows if r.decision.verdict == want)
    print(f"\nNoise-only comparisons (pairs of clean nights × model rows): {noise_rows}; "
          f"flagged {len(noise_flags)}; false-alarm rate {len(noise_flags) / noise_rows:.1%}")
    for i, j, r in noise_flags:
        print(f"  false alarm: night-{j} vs night-{i}: {r.model} {r.decision.verdict} "
              f"(Δ {r.delta:+.3f}, p {r.decision.p:.3g})")
    print(f"Injected regression (night-{args.inject}) against each clean night: "
          f"{detect_hits} of {detect_rows} rows flagged in the right direction")
    print(f"Throughput/latency ratio rows over the noise-only pairs: {ratio_rows}, outside ±10 %: "
          f"{ratio_flags} (CPU timings on a shared 2-core machine)")
    print(f"\nNights: {sum(walls):.1f} s in all; exit codes {codes}")
    print(f"\nComparison night-{args.inject} vs night-{args.inject - 1}:\n")
    print(render(compare_runs(nights[args.inject - 2], nights[args.inject - 1]), "md"))
    out = io.StringIO()
    with redirect_stdout(out):
        harness(["history", str(root), "--plot", str(work / "history-accuracy.png")])
    print(out.getvalue())
    print(f"trend figure: {work / 'history-accuracy.png'}; history root: {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
