"""A suite section of the wrong type (a number where a list belongs) is a one-line error, exit 2
(found by tests/suite/test_schema_fuzz.py: `models: 1` raised a TypeError in path resolution)."""

from __future__ import annotations

import pytest

from harness.cli import main


@pytest.mark.parametrize("section", ["models", "datasets", "methods", "metrics"])
def test_section_of_wrong_type(section, write_suite, capsys):
    sections = {"models": "[{name: m, path: m}]", "datasets": "[]", "methods": "[finetune]",
                "metrics": "[accuracy]", section: "1"}
    path = write_suite("name: x\n" + "".join(f"{k}: {v}\n" for k, v in sections.items()))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    line = 2 + list(sections).index(section)
    assert err[0].startswith(f"harness: error: {path}:{line}: {section}: ")
