"""Plain YAML scalars whose meaning depends on the YAML version, refused with one line.

PyYAML reads YAML 1.1: `yes`/`no`/`on`/`off` are booleans, `010` is the octal 8, `1:30` is
90 (base 60), `1_000` is 1000 and `2024-01-01` a date. YAML 1.2 (and most people) read them
as text or as the decimal they look like, so `seeds: [yes]` became seed 1 without a word and
`label_names: [yes, no]` failed as "not a valid string". A suite says what it means: a plain
(unquoted) scalar that YAML 1.1 and 1.2 read differently is an error naming its line and
field; quoting it ('yes') makes it text, `true` / `8` / `90` say the other meaning.
"""

from __future__ import annotations

import re

import yaml

_TAG = "tag:yaml.org,2002:"
_OCTAL = re.compile(r"^[-+]?0[0-7_]+$")  # 1.1: octal; 1.2: a decimal with a leading zero


def ambiguous(node: yaml.ScalarNode) -> str | None:
    """The one-line complaint about a plain scalar YAML 1.1 and 1.2 read differently, or None."""
    if node.style is not None:  # quoted or a block scalar: always text
        return None
    value, tag = node.value, node.tag.removeprefix(_TAG)
    text = f"quote it ('{value}') for text"
    if tag == "bool" and value.lower() not in ("true", "false"):
        meaning = str(yaml.safe_load(value)).lower()
        return f"{value}: YAML 1.1 reads it as the boolean {meaning}; write {meaning}, or {text}"
    if tag == "int" and (":" in value or "_" in value or _OCTAL.match(value)
                         or value.lstrip("+-").startswith("0b")):
        base = "base 60" if ":" in value else "octal" if _OCTAL.match(value) else \
            "binary" if "0b" in value else "digits grouped by _"
        number = yaml.safe_load(value)
        return f"{value}: YAML 1.1 reads it as the number {number} ({base}); write {number}, or {text}"
    if tag == "float" and (":" in value or "_" in value):
        number = yaml.safe_load(value)
        return f"{value}: YAML 1.1 reads it as the number {number}; write {number}, or {text}"
    if tag == "timestamp":
        return f"{value}: YAML 1.1 reads it as a date; {text}"
    return None


def first_ambiguous(node: yaml.Node | None, loc: tuple = (),
                    seen: set[int] | None = None) -> tuple[yaml.ScalarNode, tuple, str] | None:
    """(node, its dotted location, the complaint) of the first ambiguous plain scalar, keys
    included (a node reached again through an alias is looked at once)."""
    seen = set() if seen is None else seen
    if node is None or id(node) in seen:
        return None
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        why = ambiguous(node)
        return (node, loc, why) if why else None
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            found = first_ambiguous(key, loc, seen) \
                or first_ambiguous(value, (*loc, key.value), seen)
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found = first_ambiguous(item, (*loc, i), seen)
            if found:
                return found
    return None
