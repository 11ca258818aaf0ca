"""FieldError: a validator's complaint about one sub-field of a spec."""

from __future__ import annotations


class FieldError(ValueError):
    """A validator's complaint about one sub-field, so errors can name its line and dotted path
    (harness.suite.loader turns it into `file:line: dotted.field: message`)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
