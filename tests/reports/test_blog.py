"""`harness report DIR --format md --for blog` on a synthetic run with Japanese model names and
labels: ×100 with ± and the leaderboard's own bold, one setup sentence, figures linked relative
to the .md; rendered to HTML (markdown-it-py) and opened in headless Chromium, which must load
every figure and the Japanese font, and take a screenshot (kept under results/ for a look)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from report_data import two_by_two
from test_reports import chromium

from harness.cli import main
from harness.reports.fonts import japanese_font_path

MODELS = ("東北BERT", "多言語BERT")
LABELS = ["スポーツ", "料理", "天気"]
PROBE = """<script>
window.addEventListener("load", async () => {
  await document.fonts.ready;
  const images = [...document.images].map(i => i.complete ? i.naturalWidth : 0);
  const font = document.fonts.check('16px "IPAexGothic"', "東北BERT");
  document.body.setAttribute("data-probe", JSON.stringify({images, font}));
});
</script>"""


@pytest.fixture(scope="module")
def blog(tmp_path_factory):
    root = tmp_path_factory.mktemp("blog")
    run = two_by_two(root / "run", model_names=MODELS, labels=LABELS, name="話題分類")
    md = root / "post" / "section.md"  # elsewhere than the run: links go ../run/plots/...
    md.parent.mkdir()
    assert main(["report", str(run), "--for", "blog", "-o", str(md), "--bootstrap", "50"]) == 0
    return md


def test_blog_table_setup_and_relative_figures(blog):
    text = blog.read_text(encoding="utf-8")
    assert text.startswith("## 話題分類\n\nSetup: models 東北BERT, 多言語BERT; methods finetune, "
                           "majority; data topics; seeds 1, 2, 3; CPU (test-cpu), float32;")
    assert "accuracy ×100" in text
    assert "| **92.22 ± 2.76** |" in text and "| *90.00 ± 2.76*   |" in text  # the marks
    assert text.count("**") == 4  # one best per dataset and column (and the legend's)
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links and all(link.startswith("../run/plots/") for link in links)
    assert all((blog.parent / link).is_file() for link in links)


def test_blog_only_for_markdown_files(tmp_path, capsys):
    run = two_by_two(tmp_path / "run")
    assert main(["report", str(run), "--for", "blog", "--format", "html"]) == 2
    assert main(["report", str(run), "--for", "blog", "-o", "-"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("harness: error: --for: ") for line in err), err


@pytest.mark.slow  # starts headless Chromium
def test_blog_renders_in_chromium_with_japanese_text(blog, tmp_path):
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark").enable("table").render(blog.read_text(encoding="utf-8"))
    page = blog.with_suffix(".html")  # beside the .md, so relative figure links resolve
    page.write_text(
        "<!doctype html><meta charset=utf-8><style>"
        f"@font-face{{font-family:IPAexGothic;src:url('{japanese_font_path().as_uri()}')}}"
        "body{font-family:'DejaVu Sans',IPAexGothic;margin:24px;max-width:1100px}"
        "table{border-collapse:collapse}td,th{border:1px solid #999;padding:3px 8px}"
        f"img{{max-width:520px;display:inline-block}}</style><body>{body}{PROBE}</body>",
        encoding="utf-8")
    dom = chromium("--dump-dom", "--virtual-time-budget=5000", "--allow-file-access-from-files",
                   page.as_uri(), tmp=tmp_path).stdout
    probe = json.loads(re.search(r'data-probe="([^"]*)"', dom).group(1).replace("&quot;", '"'))
    assert probe["font"] is True and len(probe["images"]) == 5 and min(probe["images"]) > 100, probe
    assert "<strong>92.22 ± 2.76</strong>" in dom and "東北BERT" in dom
    shot = tmp_path / "blog.png"
    proc = chromium(f"--screenshot={shot}", "--window-size=1200,2200",
                    "--allow-file-access-from-files", page.as_uri(), tmp=tmp_path)
    assert proc.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", proc.stderr[-2000:]
    out = Path(__file__).resolve().parents[2] / "results"
    if out.is_dir():
        shutil.copy(shot, out / "blog-screenshot.png")  # kept (ignored by git) for a look by hand
