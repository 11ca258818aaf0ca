"""HARNESS_SUITE_OVERRIDES: shrink a shipped suite for a smoke test or CI without writing a second
suite. Test-only: a YAML (or JSON) mapping of dotted suite paths to values, applied after
`${VAR}` interpolation and before validation, e.g.

    HARNESS_SUITE_OVERRIDES='{seeds: [1], training.epochs: 1, datasets.*.max_train_samples: 40}'

A path names mapping keys and list positions (`methods.1.pooling`); `*` stands for every element
of a list. The value replaces what is there (or adds a missing key of an existing mapping). The
overridden suite is validated like any other, its values are what the records and
`suite.resolved.yaml` hold, and every run and validate says on stderr which paths were overridden.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from harness.errors import HarnessError

ENV = "HARNESS_SUITE_OVERRIDES"


def apply_overrides(data: dict, shown: str, env: dict[str, str] | None = None) -> dict:
    text = (env if env is not None else os.environ).get(ENV, "").strip()
    if not text:
        return data
    import yaml

    from harness.suite.yaml11 import first_ambiguous

    try:
        overrides = yaml.safe_load(text)
        found = first_ambiguous(yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as e:
        raise HarnessError(f"{ENV} is not YAML: {str(e).splitlines()[0]}", field=ENV) from None
    if found:
        raise HarnessError(f"{ENV}: {found[2]}", field=ENV)
    if not isinstance(overrides, dict):
        raise HarnessError(f"{ENV} must be a mapping of dotted suite paths to values", field=ENV)
    for path, value in overrides.items():
        parts = str(path).split(".")
        if not _set(data, parts, value):
            raise HarnessError(f"{ENV}: {path}: no such place in {shown}", field=ENV)
    print(f"harness: warning: {ENV} overrides {', '.join(map(str, overrides))} of {shown} "
          "(test-only; the records hold the values used)", file=sys.stderr)
    return data


def _set(node: Any, parts: list[str], value: Any) -> bool:
    head, rest = parts[0], parts[1:]
    if isinstance(node, list):
        if head == "*":
            targets = list(range(len(node)))
        elif head.lstrip("-").isdigit() and -len(node) <= int(head) < len(node):
            targets = [int(head)]
        else:
            return False
        if not rest:
            for i in targets:
                node[i] = value
            return bool(targets)
        return all([_set(node[i], rest, value) for i in targets]) and bool(targets)
    if not isinstance(node, dict):
        return False
    if not rest:
        node[head] = value
        return True
    if head not in node:
        return False
    return _set(node[head], rest, value)
