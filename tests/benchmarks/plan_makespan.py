"""Predict the makespan of a 1,500-trial grid on N GPUs from measured per-trial costs.

    python tests/benchmarks/plan_makespan.py --records RESULTS_DIR [--slots 64]
    python tests/benchmarks/plan_makespan.py --peak-tflops 989 --mfu 0.3 --fixed-s 20

1. Calibrate: for every ok fine-tune record in RESULTS_DIR (a pilot run), seconds of training
   per work unit (params × training tokens × epochs, harness.execution.scheduling) and the fixed
   part of a trial (total wall − train runtime: model load, evaluation, record). The median of
   each is used.
2. The grid (docs/scaling.md): 10 encoders (22M-560M parameters) × 10 datasets (2k-100k training
   rows of ~40 tokens) × 5 schedulers × 3 seeds, 3 epochs = 1,500 fine-tunes.
3. Simulate list scheduling on `--slots` workers (harness.execution.scheduling.simulate) in three
   orders: longest first (what every executor does), plan order, shortest first; against the
   ideal max(Σ / slots, longest).

Or, without a pilot, the FLOP model: training seconds = 6 × params × tokens × epochs ÷ (peak ×
MFU), plus a fixed part per trial (assumptions, printed as such).

Absolute seconds are those of the machine the pilot ran on: calibrate from a pilot on the target
GPUs (one seed × one scheduler per model × dataset) for a GPU prediction. The ratios to the ideal
do not depend on the calibration.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

MODELS = {"MiniLM-L6": 22.7e6, "MiniLM-L12": 33.4e6, "DistilBERT": 66e6, "BERT-base-ja-v3": 111e6,
          "BERT-base-ja-char": 90e6, "RoBERTa-base": 125e6, "mDeBERTa-v3-base": 278e6,
          "DeBERTa-v3-base": 184e6, "BERT-large": 335e6, "XLM-R-large": 560e6}
DATASET_ROWS = [2_000, 3_000, 5_000, 8_000, 10_000, 15_000, 20_000, 40_000, 60_000, 100_000]
TOKENS_PER_ROW, EPOCHS, SCHEDULERS, SEEDS = 40, 3, 5, 3


def calibrate(results: Path) -> tuple[float, float, int]:
    """(seconds per work unit of training, fixed seconds per trial, records used)."""
    from harness.execution.scheduling import raw_estimate
    from harness.plan.trials import build_plan
    from harness.store.store import ResultsStore
    from harness.suite.schema import Suite

    store = ResultsStore(results)
    suite = Suite.model_validate({k: v for k, v in store.read_resolved_suite().items()})
    trials = {t.trial_id: t for t in build_plan(suite)}
    rates, fixed = [], []
    for r in store.records():
        t = trials.get(r.trial_id)
        if r.status != "ok" or r.method != "finetune" or t is None or not r.timing.train_runtime_s:
            continue
        rates.append(r.timing.train_runtime_s / raw_estimate(t, suite))
        fixed.append(r.timing.total_wall_s - r.timing.train_runtime_s)
    if not rates:
        sys.exit(f"no ok fine-tune records with train_runtime_s in {results}")
    return statistics.median(rates), statistics.median(fixed), len(rates)


def grid_costs(rate: float, fixed: float) -> list[float]:
    costs = []
    for params in MODELS.values():
        for rows in DATASET_ROWS:
            train = rate * params * rows * TOKENS_PER_ROW * EPOCHS
            # evaluation and model load grow with the model too: scale the fixed part by params
            one = train + fixed * params / MODELS["MiniLM-L6"]
            costs += [one] * (SCHEDULERS * SEEDS)
    return costs


def main() -> None:
    from harness.execution.scheduling import ideal_makespan, simulate

    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=Path, help="results dir of a pilot run")
    parser.add_argument("--peak-tflops", type=float, help="instead: the FLOP model's peak")
    parser.add_argument("--mfu", type=float, default=0.3)
    parser.add_argument("--fixed-s", type=float, default=20.0)
    parser.add_argument("--slots", type=int, default=64)
    args = parser.parse_args()
    if args.records:
        rate, fixed, n = calibrate(args.records)
        print(f"calibration from {n} measured records of {args.records}: {rate:.3e} s per "
              f"param·token·epoch, {fixed:.1f} s fixed per trial (MiniLM-sized)")
    elif args.peak_tflops:
        rate, fixed = 6 / (args.peak_tflops * 1e12 * args.mfu), args.fixed_s
        print(f"FLOP model (assumed, not measured): {args.peak_tflops:g} TFLOP/s peak × MFU "
              f"{args.mfu:g}, {fixed:g} s fixed per MiniLM-sized trial")
    else:
        parser.error("give --records or --peak-tflops")
    costs = grid_costs(rate, fixed)
    ideal = ideal_makespan(costs, args.slots)
    print(f"grid: {len(costs)} trials, Σ {sum(costs) / 3600:.1f} h of trial time, longest "
          f"{max(costs) / 3600:.2f} h, on {args.slots} slots: ideal {ideal / 3600:.2f} h")
    for name, order in (("longest first", sorted(costs, reverse=True)), ("plan order", costs),
                        ("shortest first", sorted(costs))):
        span = simulate(order, args.slots)
        print(f"  {name:<15} makespan {span / 3600:7.2f} h  ({span / ideal:.3f} × ideal)")


if __name__ == "__main__":
    main()
