"""Output blocks of the documentation come from test runs, never typed by hand.

A test runs a page's commands and hands each printed output to `check_or_write(name, text)`:
with HARNESS_DOCS_WRITE=1 (`python scripts/docs_outputs.py`) it writes docs/generated/<name>;
otherwise it compares the text with the committed file and fails when they differ. Numbers and
hex digests (timings, scores of tiny models, commits of a mirror built per test run) are masked
for the comparison only: the page shows the real values of the run that wrote it, and a change
of wording, columns, lines or order fails.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GENERATED = REPO / "docs" / "generated"
WRITE = os.environ.get("HARNESS_DOCS_WRITE") == "1"

_HEX = re.compile(r"\b[0-9a-f]{7,64}\b|(?<=Z-)[0-9a-f]{6}\b")  # digests; run ids' suffixes
_NUMBER = re.compile(r"\d+")


# The report's note on this CPU's bf16 factor names the CPU's features and, when the probe ran
# on a busy machine, says so: it depends on the machine and its load, not on the code.
_CPU_NOTE = re.compile(r"^(- )?bf16 on this CPU .*\n?", re.MULTILINE)  # absent on AVX2-only CPUs


def masked(text: str) -> str:
    """The text with every hex digest and every number replaced, the CPU note left out, and
    runs of spaces and dashes (table padding, which follows the numbers' widths) shortened:
    what must not drift."""
    text = _CPU_NOTE.sub("", text)
    text = _NUMBER.sub("0", _HEX.sub("<hex>", text.replace("+dirty", "")))
    return re.sub(r" {2,}", " ", re.sub(r"-{3,}", "---", text))


def check_or_write(name: str, text: str) -> None:
    path = GENERATED / name
    if WRITE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"{path} is missing: run python scripts/docs_outputs.py"
    committed = path.read_text(encoding="utf-8")
    if masked(text) != masked(committed):  # beside it, for a diff (git ignores *.now)
        path.with_name(path.name + ".now").write_text(text, encoding="utf-8")
    assert masked(text) == masked(committed), (
        f"docs/generated/{name} is stale (the command's output changed): run "
        f"python scripts/docs_outputs.py and commit it.\n--- now ---\n{text}\n--- committed ---\n"
        f"{committed}")


def shell(command: str, *, cwd: Path, env: dict, replace: dict[str, str] | None = None,
          drop: tuple[str, ...] = (), timeout: int = 600) -> str:
    """Run `command` as the page shows it (`harness ...` runs this checkout's harness), return
    `$ command` and its output (stdout, then stderr), with `replace` applied (temporary paths ->
    what the reader would see) and lines starting with any of `drop` left out. Always a fresh
    process, as the reader's shell runs it: in the test process (torch already imported) the
    output differs (`harness nightly`'s summary names the device only once torch is loaded)."""
    argv = shlex.split(command)
    assignments = {}
    while argv and "=" in argv[0] and not argv[0].startswith("-"):
        key, value = argv.pop(0).split("=", 1)
        assignments[key] = value
    if argv[0] == "harness":
        argv = [sys.executable, "-m", "harness", *argv[1:]]
    proc = subprocess.run(argv, cwd=cwd, env={**env, **assignments, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=timeout)
    code, out = proc.returncode, proc.stdout + proc.stderr
    for old, new in (replace or {}).items():
        out = out.replace(old, new)
    lines = [line for line in out.splitlines() if not line.startswith(drop)]
    assert code == 0, f"{command} exited {code}:\n{out[-4000:]}"
    return "\n".join([f"$ {command}", *lines]) + "\n"
