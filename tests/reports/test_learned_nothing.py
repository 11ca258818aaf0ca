"""Every fine-tune learns nothing (the tiny model on shuffled labels, 60 % of them one class):
no row is bold, every fine-tune row is marked ≈ majority in every table, the HTML page and the
json, and neither the top-2 line nor a scheduler line announces a winner."""

from __future__ import annotations

import json
import random

import pytest
import tiny_models
from conftest import tiny_suite, write_csv

from harness.cli import main

pytestmark = pytest.mark.slow  # trains 4 tiny fine-tunes (~10 s)


@pytest.fixture(scope="module")
def collapsed(tmp_path_factory, tiny_bert):
    root = tmp_path_factory.mktemp("shuffled")
    texts, _ = tiny_models.english_texts(n=300, seed=1)
    rng = random.Random(0)  # labels drawn independently of the text: nothing to learn
    labels = rng.choices(["sports", "food", "weather"], weights=[0.6, 0.2, 0.2], k=len(texts))
    rows = [{"text": t, "label": lab} for t, lab in zip(texts, labels)]
    for name, part in (("test", rows[:60]), ("validation", rows[60:120]), ("train", rows[120:])):
        write_csv(root / f"{name}.csv", part)
    suite = root / "suite.yaml"
    suite.write_text(tiny_suite(tiny_bert, root, name="collapse", schedulers=("linear", "cosine"),
                                seeds=(1, 2), epochs=1, learning_rate="1.0e-4"), encoding="utf-8")
    results = root / "results"
    assert main(["run", str(suite), "--results-dir", str(results)]) == 0
    return results


def test_no_bold_every_row_marked_no_winner(collapsed, capsys):
    assert main(["report", str(collapsed), "--no-plots", "--bootstrap", "300"]) == 0
    md = capsys.readouterr().out
    board = md.split("\n## ")[0]
    rows = [line for line in board.splitlines() if line.startswith("| topics")]
    tuned = [line for line in rows if "finetune" in line]
    assert len(tuned) == 2 and all("finetune ≈ majority" in line for line in tuned), board
    assert "**" not in board and not any("*" in line for line in rows), board
    top2 = next(line for line in board.splitlines() if "top-2" in line)
    assert "both rows are ≈ majority" in top2 and "no winner" in top2
    assert "significant" not in top2
    schedulers = md.split("by lr scheduler")[1].split("\n## ")[0]
    assert "every scheduler is ≈ majority (learned nothing): no winner." in schedulers
    assert "beats" not in schedulers
    significance = md.split("paired significance")[1].split("\n## ")[0]
    assert significance.count("≈ majority") >= 2  # A (and B) named with the mark
    cost = md.split("quality and cost")[1].split("\n## ")[0]
    assert cost.count("finetune ≈ majority") == 2


def test_marks_in_json_and_html(collapsed, capsys):
    assert main(["report", str(collapsed), "--format", "json", "--no-plots",
                 "--bootstrap", "300"]) == 0
    doc = json.loads(capsys.readouterr().out)
    tuned = [r for r in doc["tables"]["leaderboard"] if r["method"] == "finetune"]
    assert tuned and all(r["learned_nothing"] and r["learned_nothing_reason"] for r in tuned)
    assert main(["report", str(collapsed), "--format", "html", "--bootstrap", "300"]) == 0
    page = (collapsed / "report.html").read_text(encoding="utf-8")
    assert 'class="best"' not in page and 'class="overlap"' not in page
    assert page.count('class="nothing"') >= 2 * 3  # every metric cell of both rows
    assert "finetune ≈ majority" in page
