"""Every suite the documentation shows is a file under docs/suites/ included into its page
(pymdownx.snippets), never a YAML block typed into a page, and `harness validate` passes on each."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
SUITES = sorted((DOCS / "suites").glob("*.yaml"))
_BLOCK = re.compile(r"^( *)```ya?ml\n(.*?)^\1```", re.S | re.M)


def _pages():
    return [p for p in DOCS.rglob("*.md") if "generated" not in p.parts]


def test_no_page_types_a_suite_by_hand():
    typed = []
    for page in _pages():
        for match in _BLOCK.finditer(page.read_text(encoding="utf-8")):
            body = match.group(2).strip()
            if not body.startswith("--8<--"):
                typed.append(f"{page.relative_to(REPO)}: {body.splitlines()[0]}")
    assert not typed, "YAML typed into a page (put it in docs/suites/ and include it):\n" + \
        "\n".join(typed)


def test_every_doc_suite_is_shown_somewhere():
    text = "\n".join(p.read_text(encoding="utf-8") for p in _pages())
    unused = [s.name for s in SUITES if f"suites/{s.name}" not in text]
    assert not unused, unused


@pytest.mark.slow  # one `harness validate` process over every doc suite (imports mteb: ~15 s)
def test_every_doc_suite_validates(tmp_path):
    sys.path.insert(0, str(REPO / "tests"))
    import hub_repos

    data = hub_repos.write_jp_data(tmp_path / "data")  # ${HARNESS_DATA}: JNLI, JCoLA
    _write_jglue_tasks(data / "jglue")  # JSTS, JCommonsenseQA (task-types.yaml)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HARNESS_DATA": str(data),
           "HF_HOME": str(tmp_path / "hf"), "HARNESS_CACHE": str(tmp_path / "cache")}
    env.pop("HF_HUB_CACHE", None)
    proc = subprocess.run([sys.executable, "-m", "harness", "validate", *map(str, SUITES)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stdout.count(": valid\n") == len(SUITES), proc.stdout
    assert "Traceback" not in proc.stderr


def _write_jglue_tasks(root: Path) -> None:
    """JSTS (a score per sentence pair) and JCommonsenseQA (five choices) in JGLUE's jsonl form."""
    import json

    for name, rows in (("jsts-v1.3", [{"sentence1": f"文{i}", "sentence2": f"文{i + 1}",
                                        "label": round(i * 0.37 % 5, 1)} for i in range(30)]),
                       ("jcommonsenseqa-v1.3", [{"question": f"問{i}", "label": i % 5,
                                                 **{f"choice{c}": f"答{i}-{c}" for c in range(5)}}
                                                for i in range(30)])):
        (root / name).mkdir(parents=True, exist_ok=True)
        for split in ("train-v1.3.json", "valid-v1.3.json"):
            (root / name / split).write_text(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    _write_span_tasks(root)


def _write_span_tasks(root: Path) -> None:
    """JSQuAD (SQuAD JSON, the literal title prefix) and the NER set's format (span-tasks.yaml)."""
    import json

    sys.path.insert(0, str(REPO / "tests"))
    from tiny_models import japanese_ner_rows, japanese_qa_rows

    rows = japanese_qa_rows(40, seed=0)
    squad = {"data": [{"title": "t", "paragraphs": [{"context": r["context"], "qas": [
        {"id": r["id"], "question": r["question"], "is_impossible": False,
         "answers": [{"text": r["answers"]["text"][0],
                      "answer_start": r["answers"]["answer_start"][0]}]}]} for r in rows]}]}
    (root / "jsquad-v1.3").mkdir(parents=True, exist_ok=True)
    for split in ("valid-v1.3.json", "test-v1.3.json"):
        (root / "jsquad-v1.3" / split).write_text(json.dumps(squad, ensure_ascii=False),
                                                  encoding="utf-8")
    ner = root.parent / "ner-wikipedia-ja"
    ner.mkdir(parents=True, exist_ok=True)
    (ner / "ner.json").write_text(json.dumps(japanese_ner_rows(60, seed=0), ensure_ascii=False),
                                  encoding="utf-8")
