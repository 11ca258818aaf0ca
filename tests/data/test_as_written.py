"""Data read as the user wrote it (issue 30, class 1 and 5): no string becomes a missing value
or a boolean, and a problem names the file's own line as an editor counts it."""

from __future__ import annotations

import json

import pytest
from conftest import write_csv

from harness.cli import main
from harness.data.lines import first_problem, record_lines, row_line
from harness.data.load import DataError, column_values, read_table
from harness.specs.dataset import DatasetSpec
from harness.tasks.prepare import prepare

NA_LIKE = ["NA", "N/A", "None", "null", "NULL", "nan", "NaN", "-nan", "#N/A", "<NA>", "n/a"]


def _spec(train, test, names, **kw) -> DatasetSpec:
    return DatasetSpec(name="d", files={"train": str(train), "test": str(test)}, label_names=names,
                       validation_size=0, **kw)


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_na_like_labels_and_texts_stay_what_was_written(tmp_path, fmt):
    sep = "\t" if fmt == "tsv" else ","
    rows = [{"text": value, "label": value} for value in NA_LIKE for _ in range(3)]
    rows += [{"text": "True", "label": "True"}] * 3 + [{"text": "true", "label": "true"}] * 3
    train = write_csv(tmp_path / f"train.{fmt}", rows, delimiter=sep)
    test = write_csv(tmp_path / f"test.{fmt}", rows[::3], delimiter=sep)
    names = NA_LIKE + ["True", "true"]
    data = prepare(_spec(train, test, names))
    assert data.label_names == names
    assert data.facts["train"]["label_counts"] == dict.fromkeys(names, 3)
    texts = column_values(data.splits["test"], "text")
    assert sorted(texts) == sorted(names)  # 'null' is the text null, not a missing value


def test_an_empty_cell_is_missing_and_named_by_line(tmp_path):
    train = tmp_path / "train.csv"
    train.write_text('text,label\n"two\nlines",a\nx,b\n"three\nline\ncell",\ny,a\n', encoding="utf-8")
    with pytest.raises(DataError) as e:
        prepare(_spec(train, train, ["a", "b"]))
    assert e.value.message == f"split train row 3: empty or NaN label (at {train}:5)"


def test_numbers_become_numbers_only_when_every_cell_is_one(tmp_path):
    path = write_csv(tmp_path / "t.csv", [{"id": "007", "x": "1.5", "mixed": "1", "flag": "True"},
                                          {"id": "8", "x": "2e3", "mixed": "NA", "flag": "False"}])
    ds = read_table(str(path), "csv", "files.train", "split train")
    assert ds[:] == {"id": [7, 8], "x": [1.5, 2000.0], "mixed": ["1", "NA"], "flag": ["True", "False"]}
    assert read_table(str(path), "csv", "f", "w", text_columns=True)["id"][:] == ["007", "8"]


def test_integer_label_ids_still_work(tmp_path):
    rows = [{"text": f"t{i}", "label": str(i % 2)} for i in range(20)]
    train = write_csv(tmp_path / "train.csv", rows)
    data = prepare(_spec(train, train, ["neg", "pos"]))
    assert data.facts["train"]["label_counts"] == {"neg": 10, "pos": 10}


def test_quoted_yes_no_label_names_are_text(tmp_path, write_suite, tiny_bert):
    rows = [{"text": f"answer {i}", "label": ["yes", "no"][i % 2]} for i in range(40)]
    write_csv(tmp_path / "train.csv", rows)
    path = write_suite(f"name: x\nmodels:\n  - path: {tiny_bert}\ndatasets:\n  - name: d\n"
                       f"    files: {{train: {tmp_path}/train.csv}}\n    label_names: ['yes', 'no']\n")
    assert main(["validate", str(path)]) == 0


def test_init_keeps_a_label_named_na(tmp_path, capsys):
    rows = [{"text": f"region text {i}", "label": ["NA", "EU"][i % 2]} for i in range(30)]
    data = write_csv(tmp_path / "train.csv", rows)
    out = tmp_path / "suite.yaml"
    assert main(["init", "--data", str(data), "--out", str(out)]) == 0
    assert 'label_names: ["EU", "NA"]' in out.read_text()
    assert "EU 15, NA 15" in capsys.readouterr().out


def test_predict_inputs_keep_na_and_refuse_a_missing_text(tmp_path):
    from harness.errors import HarnessError
    from harness.predict import read_inputs

    path = write_csv(tmp_path / "in.csv", [{"text": "NA"}, {"text": "null"}])
    assert read_inputs([], str(path), ["text"]) == [["NA"], ["null"]]
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text('{"text": "ok"}\n\n{"text": null}\n', encoding="utf-8")
    with pytest.raises(HarnessError) as e:
        read_inputs([], str(jsonl), ["text"])
    assert str(e.value) == f"{jsonl}:3: row 2: empty or non-text value in 'text'"


def test_record_lines_count_as_an_editor_does(tmp_path):
    csv_path = tmp_path / "a.csv"
    csv_path.write_bytes(b'text,label\r\n\r\n"a\r\nb",x\r\nc,y\r\n"d\nee\nf",z\n')
    assert record_lines(str(csv_path), "csv") == [3, 5, 6]
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text('{"a": 1}\n\n   \n{"a": 2}\n{"a": 3}\n', encoding="utf-8")
    assert record_lines(str(jsonl), "jsonl") == [1, 4, 5]
    assert row_line(str(jsonl), "jsonl", 2) == 5 and row_line(str(jsonl), "jsonl", 9) is None


def test_first_problem_names_the_line(tmp_path):
    jsonl = tmp_path / "b.jsonl"
    jsonl.write_bytes(b'{"a": 1}\n\n{"a": "caf\xe9"}\n')
    assert first_problem(str(jsonl), "jsonl") == \
        "not UTF-8 text (byte 0xe9 at line 3, column 11); save it as UTF-8"
    jsonl.write_text(json.dumps({"a": 1}) + "\n[1, 2]\n", encoding="utf-8")
    assert first_problem(str(jsonl), "jsonl") == \
        "line 2: a JSON list where a JSON object is expected"
    ragged = tmp_path / "r.tsv"
    ragged.write_text('text\tlabel\n"x\ny"\ta\nz\tb\tc\n', encoding="utf-8")
    assert first_problem(str(ragged), "tsv") == "line 4: 3 fields, the header has 2"
