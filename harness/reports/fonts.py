"""Japanese-capable matplotlib text: registers the IPAexGothic font shipped by the
`matplotlib-fontja` package (a core dependency; IPA Font License) as a fallback family.

matplotlib's default DejaVu Sans has no kana or kanji: labels such as ラベル render as boxes with
"Glyph ... missing from font(s)" warnings. With `use_japanese_font()`, text is drawn in DejaVu
Sans and every glyph it lacks comes from IPAexGothic (matplotlib >= 3.6 falls back per glyph
along `font.family`). The package is located without importing it: its import would switch the
global font to IPAexGothic for everything.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from harness.errors import HarnessError

FONT_PACKAGE = "matplotlib_fontja"
FONT_FILE = "fonts/ipaexg.ttf"
FONT_NAME = "IPAexGothic"
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\uac00-\ud7af]")


def japanese_font_path() -> Path:
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise HarnessError("Japanese plot labels need the matplotlib-fontja package: "
                           "pip install matplotlib-fontja")
    path = Path(list(spec.submodule_search_locations)[0]) / FONT_FILE
    if not path.is_file():
        raise HarnessError(f"matplotlib-fontja is installed but {path} is missing")
    return path


def register_japanese_font() -> str:
    """Add the font file to matplotlib's font manager (once); returns its family name."""
    from matplotlib import font_manager

    if not any(f.name == FONT_NAME for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(japanese_font_path()))
    return FONT_NAME


def japanese_rc(base: str = "DejaVu Sans") -> dict:
    """rcParams for `matplotlib.rc_context`: `base` first, the Japanese font as glyph fallback."""
    return {"font.family": [base, register_japanese_font()]}


def use_japanese_font(base: str = "DejaVu Sans") -> str:
    """Set the fallback globally (for report code that draws many figures); returns the name."""
    import matplotlib

    matplotlib.rcParams.update(japanese_rc(base))
    return FONT_NAME


def needs_cjk(*texts: str) -> bool:
    """Whether any text holds kana, kanji, hangul or full-width forms."""
    return any(_CJK.search(t or "") for t in texts)
