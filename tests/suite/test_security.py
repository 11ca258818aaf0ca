"""Security: safe YAML only, ${VAR} from the environment without a shell, trust_remote_code only
where set (with a warning), names never escape the results dir, names escaped in markdown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.cli import main
from harness.errors import HarnessError
from harness.store.store import ResultsStore
from harness.suite.loader import load_suite
from harness.trial import safe_name

HARNESS = Path(__file__).resolve().parents[2] / "harness"


def test_only_safe_yaml_loaders_in_the_code():
    unsafe = re.compile(r"yaml\.(load|load_all|full_load|unsafe_load)\(|Loader=yaml\.(Loader|FullLoader|UnsafeLoader)")
    hits = [f"{p}:{i}" for p in HARNESS.rglob("*.py")
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if unsafe.search(line)]
    assert hits == []


def test_python_tags_are_refused_and_never_run(tmp_path, capsys):
    marker = tmp_path / "pwned"
    suite = tmp_path / "suite.yaml"
    suite.write_text(f'name: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    assert main(["validate", str(suite)]) == 2
    assert "could not determine a constructor" in capsys.readouterr().err
    assert not marker.exists()


def test_env_interpolation_is_text_only(tmp_path, tiny_bert):
    marker = tmp_path / "pwned"
    suite = tmp_path / "suite.yaml"
    suite.write_text("name: x\ndescription: '${A} ${B} $HOME ${C:-$(touch " + str(marker) + ")}'\n"
                     f"models: [{{path: {tiny_bert}}}]\n"
                     "datasets: [{name: d, files: {train: t.csv}}]\n", encoding="utf-8")
    env = {"A": f"$(touch {marker})", "B": "${A}"}
    loaded = load_suite(suite, env=env)
    assert loaded.suite.description == f"$(touch {marker}) ${{A}} $HOME $(touch {marker})"
    assert not marker.exists()  # no shell, no second expansion


def test_trust_remote_code_warns_for_that_model_only(tmp_path, tiny_bert, english_data, capsys):
    suite = tmp_path / "suite.yaml"
    suite.write_text(f"""name: x
models:
  - {{name: local, path: {tiny_bert}}}
  - {{name: remote, id: some-org/custom-model-not-cached, trust_remote_code: true}}
datasets:
  - name: d
    files: {{train: {english_data}/train.csv, test: {english_data}/test.csv}}
    label_names: [sports, food, weather]
""", encoding="utf-8")
    assert main(["validate", str(suite)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == ["harness: warning: model remote sets trust_remote_code: Python code from "
                   "some-org/custom-model-not-cached will run"]
    spec = {m.display_name: m for m in load_suite(suite).suite.models}
    assert spec["local"].trust_remote_code is False  # what finetune passes for that model


@settings(max_examples=300, deadline=None, database=None)
@given(st.text())
def test_safe_name_never_escapes(text):
    slug = safe_name(text)
    assert slug and "/" not in slug and "\\" not in slug and ".." not in slug
    assert not slug.startswith(".") and len(slug) <= 80
    assert re.fullmatch(r"[A-Za-z0-9._-]+", slug)


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "../x", "a/../../b"])
def test_store_refuses_paths_outside(tmp_path, name):
    store = ResultsStore(tmp_path / "results")
    with pytest.raises(HarnessError, match="outside the results dir"):
        store.record_path(name)
    assert store.record_path(safe_name(name)).resolve().is_relative_to((tmp_path / "results").resolve())


def test_markdown_escapes_names_from_suites_and_data():
    from harness.reports.assemble import Report
    from harness.reports.render import markdown
    from harness.reports.table import Cell, Table

    names = ["d", "evil|<img src=x onerror=alert(1)>", "finetune", "[x](javascript:alert(1))", "1", "0.5"]
    table = Table("leaderboard", "t", ["dataset", "model", "method", "scheduler", "n", "accuracy"],
                  rows=[[Cell(n) for n in names]])
    md = markdown(Report("s", [table], ["- failed: t: Error: <script>alert(1)</script> | x"]))
    row = next(line for line in md.splitlines() if line.startswith("| d "))
    assert row.count(" | ") == len(names) - 1  # the pipe in the name did not add a column
    assert "<img" not in md and "<script>" not in md
    assert "evil\\|&lt;img src=x onerror=alert(1)&gt;" in row
    assert "\\[x\\](javascript:alert(1))" in row
    assert "&lt;script&gt;" in md
