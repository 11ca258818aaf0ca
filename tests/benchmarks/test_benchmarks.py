"""The benchmark scripts of this folder as pytest-benchmark benchmarks (outside the default run:
pyproject's addopts has --benchmark-skip; `--benchmark-only` selects them):

    pytest tests/benchmarks --benchmark-only                              # run, print the table
    pytest tests/benchmarks --benchmark-only --benchmark-save=NAME        # + JSON with machine info
    pytest tests/benchmarks --benchmark-only --benchmark-compare=0001 \\
        --benchmark-compare-fail=median:50%                               # fail on a regression

JSON files go to tests/benchmarks/baseline/<platform>/ (--benchmark-storage in pyproject);
0001 is the stored baseline of the 2-core CI VM. Raw seconds of one round move by tens of
percent on a shared machine; the scripts' own ratios (a baseline run in the same process) are
compared with `--ratio-compare=tests/benchmarks/baseline/<platform>/0001_baseline.json`
(`--ratio-fail`, default 25 %; the options are in tests/conftest.py). Each benchmark runs its
script's `main()` once (rounds=1: a round is a whole suite) with the arguments below, exactly as
`python tests/benchmarks/X.py ARGS` would; what the script printed last (`ratio=…`,
`overhead=…`) is parsed into the JSON's extra_info. Each script still runs on its own.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import re
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
DATA = Path(os.environ.get("HARNESS_DATA", HERE.parents[2] / "shared" / "datasets"))
PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=([-+0-9.eE]+)")

RATIOS = {"vs_handwritten": "ratio", "orchestration_overhead": "overhead"}  # lower is better
SCRIPTS = {  # benchmark name: (script, argv)
    "plan_makespan": ("plan_makespan.py", ["--peak-tflops", "989", "--mfu", "0.3"]),
    "orchestration_overhead": ("orchestration_overhead.py", []),
    "executors": ("executors.py", ["--only", "local,jobs2"]),
    "nightly_simulation": ("nightly_simulation.py", ["--nights", "3", "--seeds", "2",
                                                     "--inject", "3"]),
    "vs_handwritten": ("vs_handwritten.py", ["--quick"]),
    "qa_outside_model": ("qa_outside_model.py", ["--train", "200", "--test", "100"]),
}


def run_script(script: str, argv: list[str]) -> str:
    """The script's main() with `argv`, in this process; everything it printed."""
    spec = importlib.util.spec_from_file_location(f"bench_{Path(script).stem}", HERE / script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = io.StringIO()
    saved = sys.argv
    sys.argv = [script, *argv]
    try:
        with contextlib.redirect_stdout(out):
            code = module.main()
    finally:
        sys.argv = saved
    assert code in (None, 0), f"{script} exited {code}:\n{out.getvalue()[-2000:]}"
    return out.getvalue()


def last_line_figures(printed: str) -> dict[str, float]:
    """`ratio=0.912 f1_harness=0.85` on the last line that has such pairs -> numbers."""
    for line in reversed(printed.strip().splitlines()):
        pairs = PAIR.findall(line)
        if pairs:
            return {k: float(v) for k, v in pairs}
    return {}


def check_ratio(config, name: str, figures: dict) -> None:
    """With --ratio-compare: this benchmark's ratio at most --ratio-fail percent above the saved."""
    saved_path = config.getoption("--ratio-compare", default=None)
    if not saved_path or name not in RATIOS:
        return
    saved = {b["param"]: b["extra_info"] for b in json.loads(Path(saved_path).read_text())["benchmarks"]}
    key, limit = RATIOS[name], config.getoption("--ratio-fail", default=25.0)
    before, now = saved.get(name, {}).get(key), figures.get(key)
    if before is None or now is None:
        pytest.fail(f"{name}: no {key}= figure to compare (saved {before}, now {now})")
    growth = 100 * (now / before - 1)
    print(f"{name}: {key} {now:.3f} vs saved {before:.3f} ({growth:+.1f} %, limit +{limit:g} %)")
    assert growth <= limit, f"{name}: {key} regressed {growth:+.1f} % (> +{limit:g} %)"


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_benchmark(benchmark, request, name):
    script, argv = SCRIPTS[name]
    if name == "vs_handwritten" and not (DATA / "clinc150" / "train.csv").is_file():
        pytest.skip(f"CLINC150 not under {DATA} (set HARNESS_DATA)")
    if name == "qa_outside_model" and not (DATA / "jglue" / "jsquad-v1.3").is_dir():
        pytest.skip(f"JSQuAD not under {DATA} (set HARNESS_DATA)")
    printed = benchmark.pedantic(run_script, args=(script, argv), rounds=1, iterations=1,
                                 warmup_rounds=0)
    figures = last_line_figures(printed)
    benchmark.extra_info.update(script=f"python tests/benchmarks/{script} {' '.join(argv)}".strip(),
                                last_line=printed.strip().splitlines()[-1], **figures)
    print(printed)
    check_ratio(request.config, name, figures)
