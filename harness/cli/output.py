"""How a command reports bad input: one line per problem on stderr, exit code 2."""

from __future__ import annotations

import sys

from harness.errors import HarnessError, SuiteErrors


def fail(error: HarnessError) -> int:
    lines = error.lines() if isinstance(error, SuiteErrors) else [str(error)]
    for line in lines:
        print(f"harness: error: {line}", file=sys.stderr)
    return error.exit_code


def warn(message: str) -> None:
    print(f"harness: warning: {message}", file=sys.stderr)
