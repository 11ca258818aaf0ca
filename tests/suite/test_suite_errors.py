"""Bad suites: one line per problem naming file, line and field; exit 2; no traceback."""

from __future__ import annotations

import pytest

from harness.cli import main

GOOD_MODEL = "models:\n  - path: {model}\n"
GOOD_DATA = ("datasets:\n  - name: d\n    files: {{train: {data}/train.csv, "
             "test: {data}/test.csv}}\n    label_names: [sports, food, weather]\n")

CASES = [
    # (id, suite text, expected line, expected field fragment, expected message fragment)
    ("unknown-top-key", "name: x\n" + GOOD_MODEL + GOOD_DATA + "epochz: 3\n", 8, "epochz", "unknown key"),
    ("unknown-model-key", "name: x\nmodels:\n  - path: {model}\n    max_lenght: 64\n" + GOOD_DATA,
     4, "models.0.max_lenght", "unknown key"),
    ("wrong-type", "name: x\n" + GOOD_MODEL + GOOD_DATA + "seeds: [one]\n", 8, "seeds.0", "integer"),
    ("yaml-syntax", "name: x\nmodels: [\n  - path: a\n", None, None, "YAML syntax error"),
    ("not-a-mapping", "- just\n- a list\n", 1, None, "YAML mapping"),
    ("missing-models", "name: x\n" + GOOD_DATA, 1, "models", "required"),
    ("unknown-scheduler", "name: x\n" + GOOD_MODEL + GOOD_DATA
     + "training:\n  lr_scheduler_type: [linear, cosine_fancy]\n", 9, "training.lr_scheduler_type.1",
     "unknown lr_scheduler_type"),
    ("scheduler-kwargs-missing", "name: x\n" + GOOD_MODEL + GOOD_DATA
     + "training:\n  lr_scheduler_type: [cosine_with_min_lr]\n", 9, "training.lr_scheduler_type.0",
     "min_lr"),
    ("wsd-needs-decay-steps", "name: x\n" + GOOD_MODEL + GOOD_DATA
     + "training:\n  lr_scheduler_type: warmup_stable_decay\n  lr_scheduler_kwargs:\n"
       "    warmup_stable_decay: {{num_stable_steps: 3}}\n", 11, "training.lr_scheduler_kwargs.warmup_stable_decay",
     "num_decay_steps"),
    ("plateau-needs-eval", "name: x\n" + GOOD_MODEL + GOOD_DATA
     + "training:\n  lr_scheduler_type: [reduce_lr_on_plateau]\n", 9, "training.lr_scheduler_type.0",
     "eval_strategy"),
    ("unknown-metric", "name: x\n" + GOOD_MODEL + GOOD_DATA + "metrics: [accuracy, f2]\n", 8,
     "metrics.1.name", "unknown metric"),
    ("duplicate-key", "name: x\nname: y\n" + GOOD_MODEL + GOOD_DATA, 2, "name", "duplicate key"),
    ("duplicate-dataset-names", "name: x\n" + GOOD_MODEL + GOOD_DATA + GOOD_DATA.replace("datasets:\n", ""),
     None, "datasets", "duplicate name"),
    ("missing-file", "name: x\n" + GOOD_MODEL
     + "datasets:\n  - name: d\n    files: {{train: {data}/nope.csv}}\n    label_names: [a, b]\n",
     6, "datasets.0.files.train", "not found"),
    ("missing-text-column", "name: x\n" + GOOD_MODEL + GOOD_DATA + "    text_column: sentence\n",
     None, "datasets.0.text_column", "'sentence' not in"),
    ("missing-label-column", "name: x\n" + GOOD_MODEL + GOOD_DATA + "    label_column: y\n",
     None, "datasets.0.label_column", "'y' not in"),
    ("label-outside-names", "name: x\n" + GOOD_MODEL
     + GOOD_DATA.replace("[sports, food, weather]", "[sports, food]"), 7, "datasets.0.label_names",
     "is not one of label_names"),
    ("model-dir-without-config", "name: x\nmodels:\n  - path: {data}\n" + GOOD_DATA, 3,
     "models.0.path", "no config.json"),
    ("undefined-env-var", "name: x\nmodels:\n  - path: ${{NOPE_NOT_SET}}/m\n" + GOOD_DATA, 3,
     "models.0.path", "NOPE_NOT_SET is not set"),
    ("two-model-sources", "name: x\nmodels:\n  - path: {model}\n    id: bert-base-uncased\n" + GOOD_DATA,
     3, "models.0", "exactly one of"),
    ("best-model-needs-eval", "name: x\n" + GOOD_MODEL + GOOD_DATA
     + "training:\n  load_best_model_at_end: true\n", 9, "training.load_best_model_at_end", "eval_strategy"),
    ("positive-label-unknown", "name: x\n" + GOOD_MODEL + GOOD_DATA.replace(
        "[sports, food, weather]", "[sports, food]") + "    positive_label: cats\n", 8,
     "datasets.0.positive_label", "not in label_names"),
    ("package-not-installed", "name: x\nmodels:\n  - package: no_such_pkg_xyz/model\n" + GOOD_DATA,
     3, "models.0.package", "not installed"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_suite_one_line_exit_2(case, write_suite, tiny_bert, english_data, capsys, tmp_path):
    _, text, line, field, fragment = case
    path = write_suite(text.format(model=tiny_bert, data=english_data))
    for argv in (["validate", str(path)], ["run", str(path), "--results-dir", str(tmp_path / "r")]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1, err
        assert err[0].startswith(f"harness: error: {path}" + (f":{line}:" if line else "")), err[0]
        if field:
            assert f" {field}" in err[0], err[0]
        assert fragment in err[0], err[0]
        assert "Traceback" not in err[0]
    assert not (tmp_path / "r").exists(), "a rejected suite must write nothing"


def test_non_utf8_suite(write_suite, capsys, tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    assert main(["validate", str(path)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_missing_suite_file(capsys, tmp_path):
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    assert "suite file not found" in capsys.readouterr().err


def test_empty_split(write_suite, tiny_bert, tmp_path, capsys):
    (tmp_path / "train.csv").write_text("text,label\na,x\nb,y\nc,x\nd,y\n", encoding="utf-8")
    (tmp_path / "test.csv").write_text("text,label\n", encoding="utf-8")
    path = write_suite(f"name: x\nmodels:\n  - path: {tiny_bert}\ndatasets:\n  - name: d\n"
                       f"    files: {{train: {tmp_path}/train.csv, test: {tmp_path}/test.csv}}\n"
                       "    label_names: [x, y]\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "datasets.0.files.test: split test has no rows" in err and err.count("\n") == 1, err


def test_split_too_small_to_stratify(write_suite, tiny_bert, tmp_path, capsys):
    (tmp_path / "train.csv").write_text("text,label\na,x\nb,y\nc,x\nd,z\n", encoding="utf-8")
    path = write_suite(f"name: x\nmodels:\n  - path: {tiny_bert}\ndatasets:\n  - name: d\n"
                       f"    files: {{train: {tmp_path}/train.csv}}\n    label_names: [x, y, z]\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "too small to stratify" in err and "datasets.0.test_size" in err, err


def test_string_labels_need_label_names(write_suite, tiny_bert, english_data, capsys):
    path = write_suite(f"name: x\nmodels:\n  - path: {tiny_bert}\ndatasets:\n  - name: d\n"
                       f"    files: {{train: {english_data}/train.csv}}\n")
    assert main(["validate", str(path)]) == 2
    assert "need label_names in your order" in capsys.readouterr().err


def test_nan_label(write_suite, tiny_bert, tmp_path, capsys):
    (tmp_path / "train.csv").write_text("text,label\na,0\nb,1\nc,\nd,1\n", encoding="utf-8")
    path = write_suite(f"name: x\nmodels:\n  - path: {tiny_bert}\ndatasets:\n  - name: d\n"
                       f"    files: {{train: {tmp_path}/train.csv}}\n")
    assert main(["validate", str(path)]) == 2
    assert "row 3: empty or NaN label" in capsys.readouterr().err
