"""`harness report`: tables, failures, formats, figures and the HTML page (in headless Chromium)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import needed_in_ci
from report_data import two_by_two, write_run

from harness.cli import main

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = "<script>alert(1)</script>"
PWN = "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','1')\">"


def report(capsys, *argv) -> str:
    assert main(["report", *map(str, argv)]) == 0
    return capsys.readouterr().out


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    return two_by_two(tmp_path_factory.mktemp("synthetic"))


def test_leaderboard_means_intervals_bold_and_sorting(synthetic, capsys):
    md = report(capsys, synthetic, "--no-plots", "--bootstrap", "200")
    board = md.split("## ")[1]
    lines = [line for line in board.splitlines() if line.startswith("| topics")]
    assert [line.split("|")[2].strip() + "/" + line.split("|")[4].strip() for line in lines] == [
        "alpha/cosine", "alpha/linear", "beta/cosine", "beta/linear", "-/-"]
    # alpha cosine: 0.92 + (0, .011, -.011) on 90 examples -> accuracies 83/90, 84/90, 82/90
    values = np.array([83, 84, 82]) / 90
    from scipy import stats

    half = stats.t.ppf(0.975, 2) * values.std(ddof=1) / np.sqrt(3)
    assert f"**{values.mean():.4f} ± {half:.4f}**" in lines[0]
    assert "| 3 " in lines[0]
    assert "*0.9" in lines[1] and "**" not in lines[1]  # alpha linear overlaps the best: italic
    assert "*" not in lines[2].split("|")[6]  # beta does not overlap
    assert "top-2 alpha / finetune / cosine vs alpha / finetune / linear" in md
    assert "beta / finetune / linear" in md.split("paired significance")[1]
    assert "suite synthetic" in md and "seeds 1, 2, 3" in md and "dir:bbbbbbbbbbbb" in md


def test_scheduler_and_cost_tables(synthetic, capsys):
    doc = json.loads(report(capsys, synthetic, "--format", "json", "--bootstrap", "200"))
    sched = {(r["model"]): r for r in doc["tables"]["schedulers"]}
    alpha = sched["alpha"]
    assert alpha["reference"] == "linear"
    assert alpha["cosine_minus_linear"] == pytest.approx(0.02, abs=0.012)
    assert alpha["cosine_minus_linear_seeds"] == 3
    cost = {(r["model"], r["scheduler"]): r for r in doc["tables"]["cost"]}
    assert cost[("beta", "linear")]["train_samples_per_s"] == 300.0
    assert cost[("beta", "linear")]["train_tokens_per_s"] is None  # not measured: null, not 0
    sig = doc["tables"]["significance"]
    vs_beta = next(r for r in sig if r["b"] == "beta / finetune / cosine")
    assert vs_beta["significant"] and vs_beta["ci95_low"] > 0.2
    md = report(capsys, synthetic, "--no-plots", "--bootstrap", "200", "--scale", "100")
    assert "accuracy ×100" in md and re.search(r"\*\*9\d\.\d\d ± \d\.\d\d\*\*", md)
    assert "| —" in md.split("quality and cost")[1]


def test_failed_trials_show_as_failed_never_as_zeros(tmp_path, capsys):
    rows = [{"model": "ok-model", "scheduler": "linear", "seed": s, "accuracy": a}
            for s, a in ((1, 0.8), (2, 0.9))]
    rows += [{"model": "ok-model", "scheduler": "linear", "seed": 3, "status": "diverged",
              "error_type": "Diverged", "error": "training loss became nan"}]
    rows += [{"model": "broken", "scheduler": "linear", "seed": s, "status": "failed",
              "error_type": "OSError", "error": "no model.safetensors"} for s in (1, 2, 3)]
    rows.append({"method": "majority"})
    run = write_run(tmp_path / "run", rows)
    md = report(capsys, run, "--no-plots", "--bootstrap", "100")
    board = md.split("## ")[1]
    ok_line = next(line for line in board.splitlines() if "| ok-model" in line)
    broken = next(line for line in board.splitlines() if "| broken" in line)
    assert "| 2/3 " in ok_line and "0.8500 ± " in ok_line  # (72 + 81) / 2 / 90: the diverged seed is not averaged in
    assert "diverged (seed 3): Diverged: training loss became nan" in ok_line
    assert "| failed " in broken and "0.0000" not in broken and "| 0/3 " in broken
    assert "OSError: no model.safetensors" in broken
    assert board.index("| ok-model") < board.index("| broken") < board.index("| majority")
    rows_csv = list(csv.DictReader(io.StringIO(report(capsys, run, "--format", "csv", "--bootstrap", "50"))))
    broken_row = next(r for r in rows_csv if r["model"] == "broken")
    assert broken_row["accuracy"] == "" and broken_row["status"] == "failed" and broken_row["n"] == "0"


def test_latex_escapes_names(tmp_path, capsys):
    run = two_by_two(tmp_path / "run", model_names=("a_b & 50%", "c#d"))
    tex = report(capsys, run, "--format", "latex", "--bootstrap", "50")
    assert r"a\_b \& 50\%" in tex and r"c\#d" in tex and r"\textbf{" in tex and r"$\pm$" in tex


def test_bad_flags_are_one_line_errors(synthetic, capsys, tmp_path):
    assert main(["report", str(synthetic), "--scale", "0"]) == 2
    assert "--scale: must be a finite number > 0, got 0" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "nope")]) == 2
    assert "results dir not found" in capsys.readouterr().err


def test_plots_are_written_and_referenced(synthetic, capsys):
    md = report(capsys, synthetic, "--bootstrap", "50")
    pngs = sorted(p.name for p in (synthetic / "plots").glob("*.png"))
    assert pngs == ["bars__topics.png", "confusion__topics.png", "pareto__topics.png",
                    "schedules__topics__alpha__finetune.png", "schedules__topics__beta__finetune.png"]
    for name in pngs:
        assert (synthetic / "plots" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"](plots/{name})" in md
    assert (synthetic / "leaderboard.md").read_text(encoding="utf-8") == md


def test_pareto_front():
    from harness.reports.plots import pareto_front

    assert pareto_front([(100, 0.9), (300, 0.6), (50, 0.85), (300, 0.5), (200, 0.95)]) == {1, 4}


# ---- the HTML page, in a real headless Chromium -----------------------------------------------

def chromium(*args: str, tmp: Path) -> subprocess.CompletedProcess:
    if not CHROMIUM.exists():
        needed_in_ci("Debian chromium not installed (/usr/bin/chromium): apt-get install -y "
                     "chromium")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp / 'profile'}"]
    return subprocess.run([str(CHROMIUM), *flags, *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    run = write_run(root / "run", [
        {"model": HOSTILE, "scheduler": "linear", "seed": s, "accuracy": a}
        for s, a in ((1, 0.9), (2, 0.88))] + [
        {"model": PWN, "scheduler": "linear", "seed": s, "accuracy": a}
        for s, a in ((1, 0.5), (2, 0.52))] + [{"method": "majority"}],
        labels=[HOSTILE, "b&b", PWN], name="x<y>")
    assert main(["report", str(run), "--format", "html", "--bootstrap", "50"]) == 0
    return run / "report.html"


def test_html_is_self_contained_and_escaped(hostile_page):
    page = hostile_page.read_text(encoding="utf-8")
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert page.count("<script>") == 1  # the page's own
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # nothing fetched from anywhere
    assert page.count('src="data:image/png;base64,') == 4  # bars, confusion, pareto, schedules


@pytest.mark.slow  # starts headless Chromium
def test_html_renders_in_chromium_and_runs_nothing_injected(hostile_page, tmp_path):
    proc = chromium("--dump-dom", hostile_page.as_uri(), tmp=tmp_path)
    dom = proc.stdout
    assert proc.returncode == 0 and "</html>" in dom, proc.stderr[-2000:]
    assert 'data-ready="1"' in dom  # the page's script ran
    assert re.search(r"<html[^>]*data-pwned", dom) is None  # the onerror handler never ran
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # shown as text
    assert len(re.findall(r"<script", dom)) == 1
    board = dom.split('id="table-leaderboard"')[1].split("<tbody>")[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", board, re.S)
    assert len(rows) == 3 and "0.8889 ± " in rows[0] and "&lt;script&gt;" in rows[0]


@pytest.mark.slow  # starts headless Chromium
def test_html_sorts_in_chromium(hostile_page, tmp_path):
    # '#sort=leaderboard:4:asc' sorts the accuracy column ascending when the page loads.
    proc = chromium("--dump-dom", hostile_page.as_uri() + "#sort=leaderboard:4:asc", tmp=tmp_path)
    board = proc.stdout.split('id="table-leaderboard"')[1].split("</table>")[0]
    values = [float(v) for v in re.findall(r'<td[^>]*data-sort="([0-9.]+)"[^>]*>0\.', board)]
    assert values == sorted(values) and len(values) == 3
    assert 'aria-sort="ascending"' in board


@pytest.mark.slow  # starts headless Chromium
def test_html_screenshot(hostile_page, tmp_path):
    shot = tmp_path / "page.png"
    proc = chromium(f"--screenshot={shot}", "--window-size=1280,1600", hostile_page.as_uri(), tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    out = Path(__file__).resolve().parents[2] / "results" / "report-screenshot.png"
    if out.parent.is_dir():
        shutil.copy(shot, out)  # kept (ignored by git) for a look by hand


# ---- a real stored run: 2 tiny models × 2 schedulers × 3 seeds ----------------------------------

@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory, tiny_bert, english_data) -> Path:
    root = tmp_path_factory.mktemp("tiny-2x2x3")
    data = english_data
    suite = root / "suite.yaml"
    suite.write_text(f"""
name: tiny-2x2x3
models:
  - {{name: tiny-32, path: {tiny_bert}, max_length: 32}}
  - {{name: tiny-12, path: {tiny_bert}, max_length: 12}}
datasets:
  - name: topics
    files: {{train: {data}/train.csv, validation: {data}/validation.csv, test: {data}/test.csv}}
    label_names: [sports, food, weather]
training: {{epochs: 2, learning_rate: 2.0e-3, batch_size: 32, logging_steps: 2,
           lr_scheduler_type: [linear, cosine]}}
metrics: [accuracy, f1_macro, mcc]
main_metric: f1_macro
seeds: [1, 2, 3]
""", encoding="utf-8")
    assert main(["run", str(suite), "--results-dir", str(root / "results")]) == 0
    return root / "results"


@pytest.mark.slow  # 12 tiny fine-tunes: about a minute on 2 idle cores
def test_tiny_run_renders_in_every_format(tiny_run, capsys):
    md = report(capsys, tiny_run, "--bootstrap", "200")
    for title in ("leaderboard", "by lr scheduler", "quality and cost", "paired significance"):
        assert title in md
    assert md.count("| topics    | tiny-") >= 4 * 3  # leaderboard, cost, scheduler (2), significance
    assert "| 3 " in md and " ± " in md
    assert len(list((tiny_run / "plots").glob("*.png"))) == 5
    doc = json.loads(report(capsys, tiny_run, "--format", "json", "--no-plots", "--bootstrap", "100"))
    assert len(doc["tables"]["leaderboard"]) == 5
    assert {r["n"] for r in doc["tables"]["leaderboard"] if r["method"] == "finetune"} == {3}
    assert len(doc["tables"]["schedulers"]) == 2
    assert "f1_macro_ci95_low" in report(capsys, tiny_run, "--format", "csv", "--no-plots")
    assert r"\begin{tabular}" in report(capsys, tiny_run, "--format", "latex", "--no-plots")
    out = tiny_run / "page.html"
    assert main(["report", str(tiny_run), "--format", "html", "-o", str(out), "--bootstrap", "100"]) == 0
    assert out.read_text(encoding="utf-8").count("data:image/png;base64,") == 5
