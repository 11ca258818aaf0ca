"""The README stays one screen and keeps the two commands for a fresh machine, and `.ci/run` keeps
running the README's test command (it installs exactly its extras and runs pytest)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _section(name: str) -> str:
    body = README.split(f"<!-- --8<-- [start:{name}] -->")[1].split(f"<!-- --8<-- [end:{name}] -->")[0]
    return re.search(r"```bash\n(.*?)\n```", body, re.S).group(1)


def test_readme_is_one_screen():
    assert len(README.splitlines()) <= 120


def test_the_two_commands_for_a_fresh_machine():
    assert _section("demo-command") == \
        'pip install "torch==2.13.0" -e ".[demo]" && harness run suites/demo.yaml'
    assert (REPO / "suites/demo.yaml").is_file()
    test = _section("test-command")
    assert test == ('pip install "torch==2.13.0" -e '
                    '".[dev,ja,demo,embeddings,ray,search,tracking,faiss,runtimes]" && pytest')


def test_ci_runs_the_readme_test_command():
    install, run = _section("test-command").split(" && ")
    # .ci/run installs, then runs .ci/checks (what tox runs too): lint, the docs build, pytest
    ci = "\n".join((REPO / ".ci" / name).read_text(encoding="utf-8") for name in ("run", "checks"))
    lines = [shlex.split(line) for line in ci.splitlines() if line.strip() and not line.startswith("#")]
    # `python -m pip install -q ...` is the README's `pip install ...` in the CI virtualenv
    pips = [[t for t in line[2:] if t != "-q"] for line in lines if line[:3] == ["python", "-m", "pip"]]
    assert shlex.split(install) in pips, pips
    assert any(line[:3] == ["python", "-m", run] for line in lines)
    # strict and not quiet: --quiet hides the warnings --strict counts (the build then passes)
    builds = [line for line in lines if "mkdocs" in line and "build" in line]
    assert builds and all("--strict" in line and "--quiet" not in line for line in builds), builds


def test_readme_links_point_at_files():
    missing = [target for target in re.findall(r"\]\(([^)#]+)", README)
               if not target.startswith("http") and not (REPO / target).exists()]
    assert not missing, missing
