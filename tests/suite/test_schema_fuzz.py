"""Hypothesis fuzz of the suite schema: random mutations of a valid suite (keys removed, values
replaced by random YAML values, unknown keys added) and random edits of its YAML text either
validate or give one-line errors naming the file, exit 2; never an exception or a traceback."""

from __future__ import annotations

import copy

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.cli import main

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                    st.sampled_from(["linear", "finetune", "accuracy", "../x", "/etc", "${HOME}",
                                     "${NOPE_UNSET}", "", "auto", "steps", "epoch", "-1", "1e-3"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6)
FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def base_suite(tiny_bert, english_data):
    return {
        "name": "fuzz", "description": "",
        "models": [{"name": "tiny", "path": str(tiny_bert), "max_length": 32}],
        "datasets": [{"name": "topics", "files": {"train": str(english_data / "train.csv"),
                                                  "test": str(english_data / "test.csv")},
                      "label_names": ["sports", "food", "weather"], "test_size": 0.1}],
        "methods": ["finetune"],
        "training": {"epochs": 1.0, "learning_rate": 1e-3, "batch_size": 8,
                     "lr_scheduler_type": ["linear", "cosine"], "eval_strategy": "no"},
        "metrics": ["accuracy", "mcc"], "seeds": [1, 2],
    }


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


def _mutate(doc, data):
    paths = [p for p in _paths(doc) if p]
    path = data.draw(st.sampled_from(paths))
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "replace":
        parent[path[-1]] = data.draw(VALUES)
    elif action == "delete":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[data.draw(st.text(min_size=1, max_size=10))] = data.draw(VALUES)
    else:
        parent.append(data.draw(VALUES))


def _check(path, capsys):
    code = main(["validate", str(path)])  # any exception fails the test
    captured = capsys.readouterr()
    assert code in (0, 2), code
    assert "Traceback" not in captured.out + captured.err
    if code == 2:
        lines = captured.err.splitlines()
        assert lines and all(line.startswith(f"harness: error: {path}") for line in lines), lines
    else:
        assert captured.err == ""


@FUZZ
@given(data=st.data())
def test_mutated_suites(base_suite, tmp_path, capsys, data):
    doc = copy.deepcopy(base_suite)
    for _ in range(data.draw(st.integers(1, 3))):
        _mutate(doc, data)
    path = tmp_path / "suite.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    _check(path, capsys)


@FUZZ
@given(data=st.data())
def test_mutated_yaml_text(base_suite, tmp_path, capsys, data):
    text = yaml.safe_dump(base_suite).encode()
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        if data.draw(st.booleans()):
            text = text[:at] + data.draw(st.binary(min_size=1, max_size=4)) + text[at:]
        else:
            text = text[:at] + text[at + data.draw(st.integers(1, 8)):]
    path = tmp_path / "suite.yaml"
    path.write_bytes(text)
    _check(path, capsys)
