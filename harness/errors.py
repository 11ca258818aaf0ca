"""Errors the CLI turns into one line and an exit code, never a traceback."""

from __future__ import annotations


class HarnessError(Exception):
    """Bad input: a suite, a data file, a model dir or a CLI flag. Exit code 2."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        field = f"{self.field}: " if self.field else ""
        return printable(f"{where}{field}{self.message}")


def printable(text: str) -> str:
    """One terminal line: control characters from a user's file (newlines, escapes, separators
    that str.splitlines() splits on) are shown escaped, never emitted."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class SuiteErrors(HarnessError):
    """Several problems found at once; each is printed on its own line."""

    def __init__(self, errors: list[HarnessError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors

    def lines(self) -> list[str]:
        return [str(e) for e in self.errors]
