"""Names from suites and data (model ids, dataset names, labels, error messages) are text, never
markup: escaped before they go into a markdown table or list."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\|\[\]])")


def md_text(value) -> str:
    """One line of markdown-safe text: HTML escaped, table and link syntax neutralised."""
    text = " ".join(str(value).split())  # no newline can start a new row or block
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
