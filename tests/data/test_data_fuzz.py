"""Property tests over data files (issue 30): random encodings, NA-like strings, line endings,
quoting, blank lines, truncation at any byte and stray bytes, in csv, tsv and jsonl.

- Clean files (UTF-8, whole): every text and label comes back exactly as written, NA-like
  strings included (nothing becomes a missing value).
- Any file: preparing it ends in the data or one DataError line, never another exception.
- Slow tier: the same files through `harness validate` and `harness run` (a TF-IDF suite, no
  model training) in this process: exit 0, 1 or 2 with a message, never a traceback, never a
  hang (each case has a 60 s alarm).

Hypothesis runs derandomized (a fixed seed) with a bounded number of examples, so CI sees the
same cases every time.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import signal
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.data.load import DataError, column_values
from harness.errors import printable
from harness.specs.dataset import DatasetSpec
from harness.tasks.prepare import prepare

NA_LIKE = ["NA", "N/A", "n/a", "None", "null", "NULL", "nan", "NaN", "-nan", "#N/A", "<NA>",
           "NaT", "nil", "True", "false", "007", "1e3", "-", "?"]
NAMES = ["NA", "null", "None", "yes", "1.5", "a,b", 'q"uote', "tab\tbed", "ラベル"]
TEXT_CHARS = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"),
                           include_characters=",;\"'\t\n")
TEXTS = st.one_of(st.sampled_from(NA_LIKE), st.text(TEXT_CHARS, min_size=1, max_size=24)
                  .filter(lambda t: t.strip()))
ENDINGS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}
QUOTING = {"minimal": csv.QUOTE_MINIMAL, "all": csv.QUOTE_ALL, "nonnumeric": csv.QUOTE_NONNUMERIC}


@st.composite
def tables(draw, clean: bool):
    """(file bytes, format, rows written, label names)."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=4, unique=True))
    names = names if any(not _number(n) for n in names) else names + ["NA"]  # not all ids
    rows = [(draw(TEXTS), name) for name in names for _ in range(2)]
    rows += draw(st.lists(st.tuples(TEXTS, st.sampled_from(names)), max_size=12))
    fmt = draw(st.sampled_from(["csv", "tsv", "jsonl"]))
    ending = ENDINGS[draw(st.sampled_from(["lf", "crlf"] if clean else list(ENDINGS)))]
    if fmt == "jsonl":
        lines = [json.dumps({"text": t, "label": n}, ensure_ascii=draw(st.booleans()))
                 for t, n in rows]
        blanks = draw(st.lists(st.integers(0, len(lines)), max_size=3))
        for at in sorted(blanks, reverse=True):
            lines.insert(at, draw(st.sampled_from(["", "  "])))
        text = ending.join(lines) + ending
    else:
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="\t" if fmt == "tsv" else ",", lineterminator=ending,
                            quoting=QUOTING[draw(st.sampled_from(list(QUOTING)))])
        writer.writerow(["text", "label"])
        writer.writerows(rows)
        text = buf.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig"] if clean else
                                    ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    data = text.encode(encoding, errors="replace")
    if not clean:
        if draw(st.booleans()):
            data = data[: draw(st.integers(0, len(data)))]  # cut at any byte
        if draw(st.booleans()):
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=3)) + data[at:]
    return data, fmt, rows, names


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _write(tmp_path, data: bytes, fmt: str, names) -> DatasetSpec:
    path = tmp_path / f"train.{fmt}"
    path.write_bytes(data)
    return DatasetSpec(name="d", files={"train": str(path), "test": str(path)}, label_names=names,
                       validation_size=0)


FAST = settings(max_examples=15, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


@FAST
@given(tables(clean=True))
def test_clean_files_come_back_as_written(tmp_path_factory, table):
    data, fmt, rows, names = table
    prepared = prepare(_write(tmp_path_factory.mktemp("clean"), data, fmt, names))
    assert prepared.label_names == names
    ds = prepared.splits["train"]
    labels = [names[i] for i in column_values(ds, "label")]
    assert Counter(zip(column_values(ds, "text"), labels)) == Counter(rows)


@FAST
@given(tables(clean=False))
def test_any_file_is_data_or_one_line(tmp_path_factory, table):
    data, fmt, _, names = table
    _prepare_or_one_line(_write(tmp_path_factory.mktemp("any"), data, fmt, names))


def _prepare_or_one_line(spec):
    try:
        with _alarm(60):
            prepare(spec)
    except DataError as e:
        assert str(e) == printable(str(e)) and "\n" not in str(e) and e.message


@contextlib.contextmanager
def _alarm(seconds: int):
    """A hang fails the case: SIGALRM interrupts reads (a FIFO, an endless loop) with
    TimeoutError."""
    def hang(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s: a hang")

    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


SUITE = """name: fuzz
models:
  - path: {model}
datasets:
  - name: d
    files: {{train: {train}, test: {train}}}
    label_names: {names}
    validation_size: 0
methods: [{{type: tfidf}}]
seeds: [1]
"""

SLOW = settings(max_examples=60, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.mark.slow  # 60 files through validate and run (TF-IDF trials) in this process: ~30 s
def test_validate_and_run_end_in_an_exit_code_and_a_message(tmp_path_factory, tiny_bert, capsys):
    from harness.cli import main

    outcomes: Counter = Counter()

    @SLOW
    @given(table=tables(clean=False))
    def case(table):
        data, fmt, _, names = table
        root = tmp_path_factory.mktemp("cli")
        spec = _write(root, data, fmt, names)
        suite = root / "suite.yaml"
        suite.write_text(SUITE.format(model=tiny_bert, train=spec.files["train"],
                                      names=json.dumps(names)), encoding="utf-8")
        for argv in (["validate", str(suite)], ["run", str(suite), "--results-dir", str(root / "r")]):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _alarm(60):
                code = main(argv)
            lines = err.getvalue().splitlines()
            outcomes[(argv[0], code)] += 1
            assert code in (0, 1, 2), (argv, code)
            assert not any("Traceback" in line for line in lines)
            if code == 2:
                assert lines and all(line.startswith("harness: error: ") for line in lines), lines
                break  # bad input: nothing to run
            assert out.getvalue().strip(), "a message on stdout"

    case()
    print(f"data fuzz through the CLI: {dict(sorted(outcomes.items()))}")
    # the cases reach both ends: bad input refused, and files that run to the end
    assert outcomes[("validate", 2)] >= 10 and outcomes[("run", 0)] >= 10, outcomes
