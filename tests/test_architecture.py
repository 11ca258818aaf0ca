"""Rules of the package layout that ruff and import-linter cannot state (both run in .ci/run):

- no module imports another module's private name (ruff's PLC2701 exempts imports from the
  file's own top-level package, which is every import inside harness);
- no method-type string test (`method == "probe"`, `in ("mteb", ...)`) outside the method's
  folder: plan, validate, execution and reports ask harness.methods.registry instead.

About 0.3 s: the sources are parsed, nothing is imported but the registry.
"""

from __future__ import annotations

import ast
from pathlib import Path

from harness.methods.registry import METHODS

PACKAGE = Path(__file__).resolve().parents[1] / "harness"


def sources(under: Path = PACKAGE):
    for path in sorted(under.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_no_private_name_is_imported_from_another_module():
    found = []
    for path, tree in sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("harness"):
                found += [f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {node.module}."
                          f"{alias.name}" for alias in node.names
                          if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert not found, "\n".join(found)


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [s for elt in node.elts for s in _strings(elt)]
    return []


def method_type_tests(under: Path = PACKAGE) -> list[str]:
    """file:line of every comparison with a registered method's name outside harness/methods/."""
    names = set(METHODS)
    found = []
    for path, tree in sources(under):
        if PACKAGE / "methods" in path.parents:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                hits = {s for part in (node.left, *node.comparators) for s in _strings(part)}
                if hits & names:
                    found.append(f"{path.relative_to(under.parent)}:{node.lineno}: "
                                 f"{ast.unparse(node)}")
    return found


def test_no_method_type_string_test_outside_its_folder():
    found = method_type_tests()
    assert not found, "ask harness.methods.registry instead:\n" + "\n".join(found)


def test_the_method_type_check_can_fail(tmp_path):
    (tmp_path / "bad.py").write_text('def f(t):\n    return t.method in ("x", "probe")\n',
                                     encoding="utf-8")
    assert method_type_tests(tmp_path) == [f"{tmp_path.name}/bad.py:2: t.method in ('x', 'probe')"]
