"""A real results dir damaged at random (issue 30, class 6), end to end.

- Property test: any 1-3 files of a real run (records, predictions, plan, resolved suite, run
  files, the leaderboard) deleted, truncated at any byte, overwritten or appended to; `report`,
  `doctor` and `run` end with an exit code and a message, never a traceback or a hang; the
  report shows every record that was not touched; a rerun recomputes exactly what was damaged
  and leaves every untouched record byte for byte.
- Damaged-store test: N files of a run with fine-tuned trials damaged at random; every intact
  record still reported; the rerun recomputes the damaged trials and nothing else.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import shutil
import signal
from collections import Counter

import pytest
from conftest import tiny_suite
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from harness.cli import main

pytestmark = pytest.mark.slow  # real runs (TF-IDF and tiny fine-tunes), one rerun per case

TFIDF = "methods:\n  - type: tfidf\n    features: [word, {analyzer: char_wb, ngram_range: [2, 4]}]\n"


def _cli(argv: list[str], seconds: int = 120) -> tuple[int, str, list[str]]:
    out, err = io.StringIO(), io.StringIO()

    def hang(signum, frame):
        raise TimeoutError(f"{argv[0]} gave no answer within {seconds} s: a hang")

    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    lines = err.getvalue().splitlines()
    assert not any("Traceback" in line for line in lines), lines
    return code, out.getvalue(), lines


def _shown(results) -> int:
    code, out, _ = _cli(["report", str(results), "--format", "json", "--bootstrap", "20"])
    return -1 if code == 2 else sum(row["n"] for row in json.loads(out)["tables"]["leaderboard"])


def _files(root) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and "claims" not in p.parts)


@pytest.fixture(scope="module")
def tfidf_run(tmp_path_factory, tiny_bert, english_data):
    """A real run: the majority baseline and TF-IDF × 2 feature sets × 2 seeds (5 trials)."""
    root = tmp_path_factory.mktemp("store-fuzz")
    suite = root / "suite.yaml"
    suite.write_text(tiny_suite(tiny_bert, english_data, seeds=(1, 2)) + TFIDF, encoding="utf-8")
    code, _, _ = _cli(["run", str(suite), "--results-dir", str(root / "pristine")], 600)
    assert code == 0 and _shown(root / "pristine") == 5
    return suite, root / "pristine"


ACTIONS = ("delete", "truncate", "overwrite", "append")


@st.composite
def damages(draw, files: list[str]):
    chosen = draw(st.lists(st.sampled_from(files), min_size=1, max_size=3, unique=True))
    return [(f, draw(st.sampled_from(ACTIONS)), draw(st.integers(0, 1 << 20)),
             draw(st.binary(max_size=48))) for f in chosen]


def _damage(path, action: str, where: int, junk: bytes) -> None:
    data = path.read_bytes()
    if action == "delete":
        path.unlink()
    elif action == "truncate":
        path.write_bytes(data[: where % max(len(data), 1)])
    elif action == "overwrite":
        path.write_bytes(junk)
    else:  # never only whitespace: a JSON record with a trailing newline is not damaged
        path.write_bytes(data + b"\n#" + junk)


def test_any_damage_ends_in_a_message_and_a_rerun_repairs_it(tfidf_run, tmp_path_factory):
    suite, pristine = tfidf_run
    files = _files(pristine)
    records = [f for f in files if f.startswith("records/")]
    seen: Counter = Counter()

    # Each kind of file damaged at least once whatever the draws (they follow the file list,
    # whose trial names change with the code): one overwrite each, then 30 drawn cases.
    kinds = ("records/", "predictions/", "plan.json", "runs/")
    firsts = [next(f for f in files if f.startswith(k)) for k in kinds]

    @settings(max_examples=30, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(damages(files))
    @example([(firsts[0], "overwrite", 0, b"{")])
    @example([(firsts[1], "overwrite", 0, b"junk")])
    @example([(firsts[2], "truncate", 7, b"")])
    @example([(firsts[3], "overwrite", 0, b"\xff")])
    def case(damage):
        run = shutil.copytree(pristine, tmp_path_factory.mktemp("case") / "run")
        for rel, action, where, junk in damage:
            _damage(run / rel, action, where, junk)
            seen[(rel.split("/")[0], action)] += 1
        touched = {rel for rel, *_ in damage}
        intact = [r for r in records if r not in touched]
        shown = _shown(run)
        assert shown == (len(intact) if intact else -1)  # every untouched record is reported
        code, _, _ = _cli(["doctor", str(run)])
        assert code in (0, 1)
        code, _, _ = _cli(["run", str(suite), "--results-dir", str(run)], 600)
        assert code == 0
        assert _shown(run) == 5
        damaged_trials = {rel.split("/")[1].rsplit(".", 1)[0] for rel in touched
                          if rel.startswith(("records/", "predictions/"))}
        for rel in intact:  # a trial with nothing damaged: never rewritten, never lost
            if rel.split("/")[1][:-5] not in damaged_trials:
                assert (run / rel).read_bytes() == (pristine / rel).read_bytes(), rel

    case()
    print(f"results-dir fuzz: {sum(seen.values())} damaged files over 34 cases: "
          f"{dict(sorted(seen.items()))}")
    assert {kind for kind, _ in seen} >= {"records", "predictions", "plan.json", "runs"}


def test_n_files_damaged_at_random_are_recomputed_and_nothing_else(tiny_bert, english_data,
                                                                   tmp_path):
    suite = tmp_path / "suite.yaml"
    suite.write_text(tiny_suite(tiny_bert, english_data, seeds=(1, 2), epochs=1)
                     + TFIDF.replace("methods:\n", "methods:\n  - finetune\n"), encoding="utf-8")
    results = tmp_path / "results"
    assert _cli(["run", str(suite), "--results-dir", str(results)], 600)[0] == 0
    assert _shown(results) == 7  # majority, 2 tiny fine-tunes, 4 TF-IDF trials
    before = {f: (results / f).read_bytes() for f in _files(results)}
    stored = [f for f in before if f.startswith(("records/", "predictions/"))]
    rng = random.Random(30)
    damaged = sorted(rng.sample(stored, 4))
    for i, rel in enumerate(damaged):
        _damage(results / rel, ACTIONS[i % len(ACTIONS)], rng.randrange(1 << 20), b"\x00junk")
    trials = {rel.split("/")[1].rsplit(".", 1)[0] for rel in damaged}
    lost_records = sum(rel.startswith("records/") for rel in damaged)

    code, _, err = _cli(["report", str(results), "--no-plots"])
    assert code == 1 and _shown(results) == 7 - lost_records
    prefix = f"harness: warning: skipped {results}/"
    named = {line.removeprefix(prefix).split(": ")[0] for line in err if line.startswith(prefix)}
    assert named == set(damaged) - {r for r in damaged if r.startswith("predictions/")
                                    and f"records/{r.split('/')[1][:-4]}.json" in damaged}
    code, out, _ = _cli(["run", str(suite), "--results-dir", str(results)], 600)
    assert code == 0
    outcomes = json.loads(sorted((results / "runs").glob("*.json"))[-1].read_text())["outcomes"]
    computed = {t for t, o in outcomes.items() if o == "ok"}
    assert computed == trials and sum(o == "skipped" for o in outcomes.values()) == 7 - len(trials)
    assert _cli(["report", str(results), "--no-plots"])[0] == 0 and _shown(results) == 7
    for rel, data in before.items():
        if rel.startswith("records/") and rel.split("/")[1][:-5] not in trials:
            assert (results / rel).read_bytes() == data, rel
    print(f"damaged-store test: {len(damaged)} files damaged at random ({lost_records} records, "
          f"{len(damaged) - lost_records} predictions) of {len(trials)} trials; the report showed "
          f"{7 - lost_records} of 7 records; the rerun computed {len(computed)} trials and skipped "
          f"{7 - len(trials)}")
