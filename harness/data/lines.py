"""Where in a data file a row is, counted as an editor counts: 1-based lines, blank lines
included, a quoted newline inside a csv cell starting a new line.

datasets and pandas count otherwise (pyarrow's JSON reader: the 0-based row within a block, so
line 150,000 of a 22 MB file was "row 53,699"; pandas: records, not lines), and a non-UTF-8
byte in a JSONL file came with no place at all. These helpers read the file again with Python's
own csv and json, only when something went wrong, to name the line.
"""

from __future__ import annotations

import csv
import io
import json

from harness.readable import json_type

_MAX_FIELD = 1 << 30  # csv's default limit (128 KiB a field) would refuse a long text


def record_lines(path: str, fmt: str) -> list[int]:
    """The line each data row starts on (index = 0-based row as datasets reads it), for csv,
    tsv and jsonl files; [] for other formats."""
    if fmt in ("csv", "tsv"):
        return _csv_lines(path, "\t" if fmt == "tsv" else ",")
    if fmt == "jsonl":
        with open(path, "rb") as f:  # pyarrow skips blank and whitespace-only lines
            return [n for n, line in enumerate(f, 1) if line.strip()]
    return []


def row_line(path: str, fmt: str, row: int) -> int | None:
    """The line data row `row` (0-based) starts on, None when it cannot be told."""
    try:
        lines = record_lines(path, fmt)
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return lines[row] if 0 <= row < len(lines) else None


def _csv_lines(path: str, delimiter: str) -> list[int]:
    csv.field_size_limit(_MAX_FIELD)
    out = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        header = True
        before = 0
        for row in reader:
            start, before = before + 1, reader.line_num
            if not row:  # a blank line: pandas skips it (skip_blank_lines)
                continue
            if header:
                header = False
                continue
            out.append(start)
    return out


def not_utf8_place(data: bytes, e: UnicodeDecodeError) -> str:
    """'byte 0xe9 at line 123, column 10' of a decoding error in `data`."""
    line_start = data.rfind(b"\n", 0, e.start) + 1
    line = data.count(b"\n", 0, e.start) + 1
    return f"byte 0x{data[e.start]:02x} at line {line}, column {e.start - line_start + 1}"


def first_problem(path: str, fmt: str) -> str | None:
    """'line N: what is wrong' for the first line of a csv, tsv or jsonl file that cannot be
    read (not UTF-8, not JSON, not an object, a row with more fields than the header); None
    when Python reads every line (the caller then keeps the library's message)."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return f"not UTF-8 text ({not_utf8_place(data, e)}); save it as UTF-8"
    if fmt == "jsonl":
        return _jsonl_problem(text)
    if fmt in ("csv", "tsv"):
        return _csv_problem(text, "\t" if fmt == "tsv" else ",")
    return None


def _jsonl_problem(text: str) -> str | None:
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as e:
            column = getattr(e, "colno", None)
            reason = getattr(e, "msg", str(e))
            return f"line {n}: not valid JSON ({reason}" + (f" at column {column})" if column else ")")
        if not isinstance(value, dict):
            return f"line {n}: {json_type(value)} where a JSON object is expected"
    return None


def _csv_problem(text: str, delimiter: str) -> str | None:
    csv.field_size_limit(_MAX_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    width = None
    before = 0
    try:
        for row in reader:
            start, before = before + 1, reader.line_num
            if not row:
                continue
            if width is None:
                width = len(row)
            elif len(row) > width:
                return f"line {start}: {len(row)} fields, the header has {width}"
    except csv.Error as e:
        if "unexpected end of data" in str(e):
            return (f"line {before + 1}: a quoted cell is not closed (it runs to the end of "
                    "the file)")
        return f"line {before + 1}: {e}"
    return None
