"""`validate` opens a suite's local evaluate module as a trial does (issue 30, class 2): a module
that raises on import or whose compute() does not return its key is one line at
validate (it used to pass validate and fail every trial); a good one passes and is remembered."""

from __future__ import annotations

import time

import pytest
from conftest import tiny_suite

from harness.cli import main

GOOD = '''
import datasets
import evaluate


class {name}(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(description="", citation="", inputs_description="",
            features=datasets.Features({{"predictions": datasets.Value("int32"),
                                        "references": datasets.Value("int32")}}))

    def _compute(self, predictions, references):
        {body}
'''
CASES = {
    "raises_on_import": ("raise RuntimeError('broken at import')\n",
                         "RuntimeError: broken at import"),
    "other_key": (GOOD.format(name="OtherKey", body="return {'something_else': 1.0}"),
                  "KeyError: \"compute() returned ['something_else'], not 'mine'\""),
}


@pytest.mark.slow  # each check imports evaluate (and torch) in a child process: ~10 s each
def test_evaluate_modules_are_opened_at_validate(tmp_path, tiny_bert, english_data, write_suite,
                                                 capsys):
    pytest.importorskip("evaluate", reason="the evaluate package is not installed")
    for name, (source, reason) in CASES.items():
        module = tmp_path / name
        module.mkdir()
        (module / f"{name}.py").write_text(source, encoding="utf-8")
        suite = write_suite(tiny_suite(tiny_bert, english_data,
                                       metrics=f"[accuracy, {{name: mine, evaluate: {module}}}]"))
        assert main(["validate", str(suite)]) == 2
        err = capsys.readouterr().err.splitlines()
        assert err == [f"harness: error: {suite}:19: metrics.1.evaluate: evaluate module {module} "
                       f"does not work as a trial uses it: {reason}"], err
    good = tmp_path / "mine"
    good.mkdir()
    (good / "mine.py").write_text(GOOD.format(name="Mine", body="return {'mine': 0.5}"))
    suite = write_suite(tiny_suite(tiny_bert, english_data,
                                   metrics=f"[accuracy, {{name: mine, evaluate: {good}}}]"))
    assert main(["validate", str(suite)]) == 0
    t0 = time.perf_counter()
    assert main(["validate", str(suite)]) == 0  # remembered by the module's content
    assert time.perf_counter() - t0 < 5
