"""What the harness agrees to read, and how: every file a user or a results dir hands it.

- Only regular files are read. A FIFO, a character device (`/dev/zero`, `/dev/stdin`) or a
  socket would block or never end: `regular_file` refuses them before a byte is read, and a
  reader knows the size it will read (`read_bytes` reads exactly what `stat` said was there).
- JSON is parsed into the type its reader expects (`read_json(path, dict)`): a config.json
  holding a list, a truncated record or an empty file is one `BadJson` line, never a
  `TypeError` further on.

Errors are `OSError` (`NotRegularFile`, `FileNotFoundError`, ...) for what cannot be read and
`BadJson` (a `ValueError`) for content of the wrong shape, so callers that already catch
`OSError` / `ValueError` keep their one-line messages. No imports from harness: this sits
below every package.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


class NotRegularFile(OSError):
    """The path exists but is no regular file (a directory, FIFO, device or socket)."""

    def __init__(self, path: str | Path, kind: str):
        super().__init__(f"{path} is {kind}, not a regular file")
        self.path = str(path)
        self.kind = kind


class BadJson(ValueError):
    """A JSON file that is empty, not UTF-8, not JSON, or JSON of another type than expected;
    the message is one line without the path (the caller names the file)."""


def kind(mode: int) -> str:
    """'a FIFO (named pipe)', 'a character device', ... for a stat mode; 'a regular file'."""
    return next((name for test, name in _KINDS if test(mode)), "a regular file")


def regular_file(path: str | Path) -> os.stat_result:
    """stat(path) of a regular file (symlinks followed); NotRegularFile for anything else,
    FileNotFoundError / PermissionError as os.stat raises them."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFile(path, kind(st.st_mode))
    return st


def is_regular_file(path: str | Path) -> bool:
    try:
        regular_file(path)
    except OSError:
        return False
    return True


def read_bytes(path: str | Path, limit: int | None = None) -> bytes:
    """The content of a regular file: at most the size stat reported (a file that grows while
    it is read is read to that size); `limit`: refuse larger files (ValueError)."""
    st = regular_file(path)
    if limit is not None and st.st_size > limit:
        raise ValueError(f"{st.st_size:,} bytes (more than {limit:,})")
    with open(path, "rb") as f:
        return f.read(st.st_size)


def decode_utf8(data: bytes) -> str:
    """UTF-8 text, a leading BOM dropped (UnicodeDecodeError when it is not UTF-8)."""
    return data.decode("utf-8-sig")


def not_utf8(data: bytes, e: UnicodeDecodeError) -> str:
    """'not UTF-8 text (byte 0xe9 at line 3, offset 41)' for an error decoding `data`."""
    line = data[:e.start].count(b"\n") + 1
    return f"not UTF-8 text (byte 0x{data[e.start]:02x} at line {line}, offset {e.start})"


def parse_json(data: bytes | str, expected: type | tuple[type, ...] = object) -> Any:
    """JSON of the expected type (dict, list, ...) or BadJson saying what it is instead."""
    if isinstance(data, bytes):
        try:
            text = decode_utf8(data)
        except UnicodeDecodeError as e:
            raise BadJson(not_utf8(data, e)) from None
    else:
        text = data
    if not text.strip():
        raise BadJson("empty (no JSON at all)")
    try:
        value = json.loads(text)
    except ValueError as e:  # json.JSONDecodeError: 'Expecting value: line 3 column 5 (char 40)'
        what = "truncated JSON" if _truncated(e, text) else "not JSON"
        raise BadJson(f"{what} ({str(e).splitlines()[0]})") from None
    if expected is not object and not isinstance(value, expected):
        raise BadJson(f"{json_type(value)} where {_wanted(expected)} is expected")
    return value


def read_json(path: str | Path, expected: type | tuple[type, ...] = object,
              limit: int | None = None) -> Any:
    """parse_json of a regular file's content (OSError when it cannot be read)."""
    return parse_json(read_bytes(path, limit), expected)


def json_type(value: Any) -> str:
    """'a JSON object', 'a JSON list', 'a JSON string', ... of a parsed value."""
    names = {dict: "a JSON object", list: "a JSON list", str: "a JSON string",
             bool: "a JSON boolean", int: "a JSON number", float: "a JSON number"}
    return "JSON null" if value is None else names.get(type(value), type(value).__name__)


def _wanted(expected: type | tuple[type, ...]) -> str:
    types = expected if isinstance(expected, tuple) else (expected,)
    names = {dict: "a JSON object", list: "a JSON list", str: "a JSON string"}
    return " or ".join(names.get(t, t.__name__) for t in types)


def _truncated(e: ValueError, text: str) -> bool:
    """The parse stopped at the end of the text: a file cut short, not a typo inside it."""
    pos = getattr(e, "pos", None)
    if getattr(e, "msg", "").startswith("Unterminated string"):  # it ran to the end
        return True
    return pos is not None and not text[pos:].strip()
