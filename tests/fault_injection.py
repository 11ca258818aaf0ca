"""Kill -9 fault injection: a small tiny-model suite is run as a subprocess and SIGKILLed at random
moments, then resumed, again and again, until it finishes; the final store must equal an
uninterrupted run's (same trials, keys and scores), with no corrupt, temp, duplicate or orphan
files, no claim left behind, and no trial that had an ok record ever computed again.

    python tests/fault_injection.py --kills 20 [--seed 0] [--keep DIR]

prints one summary line (kills, runs, trials, result) and exits 1 on any problem.
tests/execution/test_kill9.py runs it; the helpers here are importable.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

SUITE = """name: kill9
models:
  - name: tiny
    path: {model}
    max_length: 32
datasets:
  - name: topics
    files: {{train: {data}/train.csv, test: {data}/test.csv}}
    label_names: [sports, food, weather]
    validation_size: 0
training:
  max_steps: 12
  learning_rate: 1.0e-3
  batch_size: 16
  logging_steps: 4
  lr_scheduler_type: [linear, cosine]
metrics: [accuracy, f1_macro]
seeds: [1, 2]
"""


def build_fixture(root: Path) -> Path:
    """Tiny BERT, generated CSVs and the suite file under `root`; returns the suite path."""
    import conftest
    import tiny_models

    texts, labels = tiny_models.english_texts(n=240, seed=0)
    train, _, test = conftest.split_rows(texts, labels, n_test=60)
    conftest.write_csv(root / "data" / "train.csv", train)
    conftest.write_csv(root / "data" / "test.csv", test)
    model = tiny_models.make_tiny_bert(root / "model", texts)
    suite = root / "suite.yaml"
    suite.write_text(SUITE.format(model=model, data=root / "data"), encoding="utf-8")
    return suite


def child_env(root: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false", HF_DATASETS_CACHE=str(root / "hf-datasets-cache"))
    for name in ("HARNESS_SIMULATE_OOM", "HARNESS_SIMULATE_NAN", "HARNESS_SIMULATE_FAIL"):
        env.pop(name, None)
    return env


def start(suite: Path, results: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "harness", "run", str(suite), "--results-dir",
                             str(results)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def ok_records(results: Path) -> dict[str, tuple]:
    """trial_id -> (run_id, mtime_ns) of every ok record now on disk."""
    from harness.store.store import ResultsStore

    store = ResultsStore(results)
    return {r.trial_id: (r.run_id, store.record_path(r.trial_id).stat().st_mtime_ns)
            for r in store.records() if r.status == "ok"}


def store_problems(results: Path, reference: Path) -> list[str]:
    """Everything that makes `results` differ from the uninterrupted `reference` store."""
    import json

    import numpy as np

    from harness.store.record import TrialRecord

    problems = []
    temps = [p for p in results.rglob("*") if p.name.endswith(".tmp")]
    problems += [f"temp file left: {p.relative_to(results)}" for p in temps]
    claims = list((results / "claims").glob("*.claim")) if (results / "claims").exists() else []
    problems += [f"claim left: {p.name}" for p in claims]
    scratch = results / ".scratch"
    if scratch.exists() and any(scratch.iterdir()):
        problems.append(f"scratch left: {sorted(p.name for p in scratch.iterdir())}")
    got, want = {}, {}
    for root, out in ((results, got), (reference, want)):
        for path in sorted((root / "records").glob("*.json")):
            try:
                out[path.stem] = TrialRecord.model_validate_json(path.read_bytes())
            except ValueError as e:
                problems.append(f"corrupt record {path.name}: {str(e).splitlines()[0]}")
    if sorted(got) != sorted(want):
        problems.append(f"trial set differs: extra {sorted(set(got) - set(want))}, "
                        f"missing {sorted(set(want) - set(got))}")
    if len({r.key for r in got.values()}) != len(got):
        problems.append("duplicate records for one trial key")
    for tid in sorted(set(got) & set(want)):
        g, w = got[tid], want[tid]
        if g.status != "ok" or g.key != w.key:
            problems.append(f"{tid}: status {g.status}, key equal {g.key == w.key}")
            continue
        for split, scores in w.metrics.items():
            for name, value in scores.items():
                other = g.metrics.get(split, {}).get(name)
                if value is None or other is None or abs(value - other) > 1e-6:
                    problems.append(f"{tid}: {split} {name} {other} != uninterrupted {value}")
        try:
            with np.load(results / g.artifacts["predictions"]) as a, \
                    np.load(reference / w.artifacts["predictions"]) as b:
                if not np.array_equal(a["predictions"], b["predictions"]):
                    problems.append(f"{tid}: predictions differ from the uninterrupted run")
        except (OSError, ValueError, KeyError) as e:
            problems.append(f"{tid}: unreadable predictions: {e}")
    stems = {p.stem for p in (results / "predictions").glob("*.npz")}
    problems += [f"orphan predictions {s}.npz" for s in sorted(stems - set(got))]
    for path in sorted((results / "runs").glob("*.json")):
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            problems.append(f"corrupt run file {path.name}")
            continue
        if info.get("status") == "running":
            problems.append(f"run file {path.name} still says running")
    return problems


def inject(suite: Path, results: Path, reference: Path, kills: int, seed: int, env: dict,
           max_delay: float, echo=print) -> dict:
    """Cycles of (fresh results dir; run, kill at a random moment, resume ... until finished)."""
    rng = random.Random(seed)
    done_kills = runs = cycles = 0
    problems: list[str] = []
    while done_kills < kills:
        cycles += 1
        target = results / f"cycle{cycles}"
        ok_before: dict[str, tuple] = {}
        while True:
            proc = start(suite, target, env)
            runs += 1
            delay = rng.uniform(0.0, max_delay) if done_kills < kills else None
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                done_kills += 1
            else:
                if proc.returncode != 0:
                    problems.append(f"run {runs} exited {proc.returncode}: "
                                    f"{proc.stderr.read().strip().splitlines()[-1:]}")
                    break
            if target.exists() and (target / "records").exists():
                now = ok_records(target)
                changed = [t for t, v in ok_before.items() if now.get(t) != v]
                problems += [f"ok record of {t} was rewritten (a finished trial ran again)"
                             for t in changed]
                ok_before = now
            proc.stderr.close()
            if proc.returncode == 0:
                break
        problems += [f"cycle {cycles}: {p}" for p in store_problems(target, reference)]
        echo(f"cycle {cycles}: {done_kills} kills so far, {runs} runs, "
             f"{len(problems)} problems")
    return {"kills": done_kills, "runs": runs, "cycles": cycles, "problems": problems}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", help="work dir to keep (default: a temp dir, removed)")
    args = parser.parse_args(argv)
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="harness-kill9-"))
    root.mkdir(parents=True, exist_ok=True)
    suite = build_fixture(root)
    env = child_env(root)
    t0 = time.perf_counter()
    ref = subprocess.run([sys.executable, "-m", "harness", "run", str(suite), "--results-dir",
                          str(root / "reference")], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if ref.returncode != 0:
        print(f"reference run failed ({ref.returncode}): {ref.stderr.strip()[-500:]}")
        return 1
    result = inject(suite, root / "faulty", root / "reference", args.kills, args.seed, env,
                    max_delay=wall)
    trials = len(list((root / "reference" / "records").glob("*.json")))
    verdict = "final store == uninterrupted run" if not result["problems"] else \
        f"{len(result['problems'])} PROBLEMS"
    print(f"kill -9 fault injection: {result['kills']} kills in {result['runs']} runs "
          f"({result['cycles']} resumed-to-completion cycles of {trials} trials, reference run "
          f"{wall:.1f} s): {verdict}")
    for p in result["problems"]:
        print(f"  {p}")
    if not args.keep:
        import shutil

        shutil.rmtree(root, ignore_errors=True)
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
