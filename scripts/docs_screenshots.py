"""The documentation's pictures, made from a real run of the demo, never drawn by hand:

    python scripts/docs_screenshots.py [--results-dir results/demo]

runs `harness run suites/demo.yaml` into the results dir unless it already holds the demo's
records, renders its report (`harness report DIR` and `--format html`), and writes

- docs/img/demo-report.png: the top of report.html as headless Chromium draws it at 1400 px;
- docs/img/demo-quality-vs-throughput.png: the report's "quality vs training throughput" figure;
- docs/generated/demo-leaderboard.md: the leaderboard table from leaderboard.md.

    python scripts/docs_screenshots.py --site OUT_DIR

builds the site (`mkdocs build --strict`) and screenshots its home page, a tutorial and the suite
reference into OUT_DIR (for looking at, not committed). Chromium: Debian's `chromium` package.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
SITE_PAGES = {"home": "index.html", "tutorial": "tutorials/compare-encoders.html",
              "suite-reference": "reference/suite.html"}


def harness(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "harness", *args], cwd=REPO, text=True,
                          capture_output=True)
    if proc.returncode != 0:
        raise SystemExit(f"harness {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return proc.stdout


def screenshot(url: str, out: Path, width: int = 1400, height: int = 1000) -> None:
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not found: apt-get install chromium")
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--screenshot={out}", f"--window-size={width},{height}", url],
                   check=True, capture_output=True, timeout=120)
    print(f"wrote {out.relative_to(REPO) if out.is_relative_to(REPO) else out}")


def leaderboard_table(markdown: str) -> str:
    """The first table of leaderboard.md (the leaderboard) with the lines under it."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("## ") and "leaderboard" in line)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start + 1:end]).strip() + "\n"


def demo(results: Path) -> None:
    if not any((results / "records").glob("*.json")):
        print(f"running the demo into {results} (a few minutes on CPU)")
        harness("run", "suites/demo.yaml", "--results-dir", str(results))
    harness("report", str(results))
    harness("report", str(results), "--format", "html")
    board = (results / "leaderboard.md").read_text(encoding="utf-8")
    out = REPO / "docs" / "generated" / "demo-leaderboard.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(leaderboard_table(board), encoding="utf-8")
    print(f"wrote {out.relative_to(REPO)}")
    screenshot((results / "report.html").resolve().as_uri(), REPO / "docs/img/demo-report.png",
               1400, 900)
    figure = next((results / "plots").glob("pareto__*.png"))
    shutil.copyfile(figure, REPO / "docs/img/demo-quality-vs-throughput.png")
    print("wrote docs/img/demo-quality-vs-throughput.png")


def site(out: Path) -> None:
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=REPO, check=True)
    for name, page in SITE_PAGES.items():
        screenshot((REPO / "site" / page).as_uri(), out / f"site-{name}.png", 1400, 1100)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results-dir", default="results/demo", type=Path)
    parser.add_argument("--site", type=Path, metavar="OUT_DIR",
                        help="screenshot pages of the built site instead")
    args = parser.parse_args()
    if args.site:
        site(args.site.resolve())
    else:
        demo((REPO / args.results_dir).resolve() if not args.results_dir.is_absolute()
             else args.results_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
