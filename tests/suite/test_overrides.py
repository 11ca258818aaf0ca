"""HARNESS_SUITE_OVERRIDES (test-only): dotted suite paths replaced before validation; a path that
names no place, or text that is not a YAML mapping, is one error naming the variable. < 0.1 s."""

from __future__ import annotations

import pytest

from harness.errors import HarnessError
from harness.suite.overrides import apply_overrides


def test_suite_overrides(tmp_path):
    data = {"seeds": [1, 2, 3], "models": [{"id": "a"}, {"id": "b"}], "training": {"epochs": 3}}
    env = {"HARNESS_SUITE_OVERRIDES": "{seeds: [1], models.*.max_length: 32, training.epochs: 1}"}
    out = apply_overrides(data, "s.yaml", env)
    assert out == {"seeds": [1], "models": [{"id": "a", "max_length": 32},
                                            {"id": "b", "max_length": 32}],
                   "training": {"epochs": 1}}
    for bad in ("{trainig.epochs: 1}", "{models.5.id: x}", "[1]", "{a: [}"):
        with pytest.raises(HarnessError, match="HARNESS_SUITE_OVERRIDES"):
            apply_overrides(dict(data), "s.yaml", {"HARNESS_SUITE_OVERRIDES": bad})
