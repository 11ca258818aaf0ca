"""`validate` remembers a dataset that passed its check (harness/data/checked.py) and checks for
real again when a file's content, the spec or the preparing code changes; failures are never
remembered."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import REPO, tiny_suite

PROBE = """
import sys
from harness.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as e:
    code = e.code
print("DATASETS=" + str("datasets" in sys.modules), file=sys.stderr)
sys.exit(code)
"""


def validate(suite, cache) -> subprocess.CompletedProcess:
    env = {**os.environ, "HARNESS_CACHE": str(cache)}
    return subprocess.run([sys.executable, "-c", PROBE, "validate", str(suite)], capture_output=True,
                          text=True, cwd=REPO, timeout=120, env=env)


def dataset_entries(cache) -> list[dict]:
    """The memo's dataset entries (the tokenizer check is remembered beside them)."""
    entries = [json.loads(p.read_text()) for p in (cache / "checked").glob("*.json")]
    return [e for e in entries if "label_names" in e]


@pytest.mark.slow  # subprocesses
def test_unchanged_data_is_not_loaded_again_and_edits_are_checked(tiny_bert, english_data, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(english_data, data)
    suite = tmp_path / "s.yaml"
    suite.write_text(tiny_suite(tiny_bert, data), encoding="utf-8")
    cache = tmp_path / "cache"

    first = validate(suite, cache)
    assert first.returncode == 0, first.stderr
    assert "DATASETS=True" in first.stderr  # checked for real
    entries = dataset_entries(cache)
    assert len(entries) == 1
    assert entries[0]["label_names"] == ["sports", "food", "weather"]

    second = validate(suite, cache)
    assert second.returncode == 0, second.stderr
    assert "DATASETS=False" in second.stderr  # remembered: datasets never imported
    assert second.stdout == first.stdout  # the same findings, row counts included

    # Same size, different content: a label outside label_names must be found.
    test_csv = data / "test.csv"
    text = test_csv.read_text(encoding="utf-8")
    test_csv.write_text(text.replace(",sports", ",sportz", 1), encoding="utf-8")
    assert len(test_csv.read_text(encoding="utf-8")) == len(text)
    bad = validate(suite, cache)
    assert bad.returncode == 2, bad.stdout + bad.stderr
    assert "DATASETS=True" in bad.stderr and "sportz" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert len(dataset_entries(cache)) == 1  # the failure was not remembered
    again = validate(suite, cache)
    assert again.returncode == 2 and "DATASETS=True" in again.stderr

    # A spec change (another label order) is another dataset: checked for real.
    test_csv.write_text(text, encoding="utf-8")
    suite.write_text(tiny_suite(tiny_bert, data, label_names="[weather, food, sports]"),
                     encoding="utf-8")
    reordered = validate(suite, cache)
    assert reordered.returncode == 0 and "DATASETS=True" in reordered.stderr
    assert "3 labels (weather, food, sports)" in reordered.stdout


def test_a_change_in_the_preparing_code_is_a_miss(monkeypatch, tmp_path, english_data):
    from harness.data import checked
    from harness.specs.dataset import DatasetSpec

    spec = DatasetSpec(name="topics", files={"train": str(english_data / "train.csv"),
                                             "test": str(english_data / "test.csv")},
                       label_names=["sports", "food", "weather"])
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path))
    key = checked.memo_key("dataset", spec, dict(spec.files))
    assert key == checked.memo_key("dataset", spec, dict(spec.files))
    code = tuple(tmp_path / source.name for source in checked.PREPARING_CODE)  # data/*.py copied
    for source, copy in zip(checked.PREPARING_CODE, code):
        copy.write_bytes(source.read_bytes())
    assert checked.memo_key("dataset", spec, dict(spec.files), code) == key  # content, not place
    code[0].write_text(code[0].read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert checked.memo_key("dataset", spec, dict(spec.files), code) != key
    missing = {"train": str(tmp_path / "nope.csv")}
    assert checked.memo_key("dataset", spec, missing) is None  # the real check names the file
