"""Validate-time check of `tfidf`: MeCab words need fugashi and a UniDic dictionary."""

from __future__ import annotations

import importlib.util

from harness.errors import HarnessError
from harness.methods.base import Finding, SuiteFile
from harness.methods.tfidf.spec import TfidfMethod
from harness.models.load import JA_EXTRA


def check_tfidf(method: TfidfMethod, j: int,
                loaded: SuiteFile) -> tuple[list[Finding], list[HarnessError]]:
    findings, errors = [], []
    for k, features in enumerate(method.features):
        if features.analyzer != "mecab":
            continue
        where = ("methods", j, "features", k, "analyzer")
        if importlib.util.find_spec("fugashi") is None:
            errors.append(loaded.error(f"MeCab words need fugashi: {JA_EXTRA}", where))
        elif not any(importlib.util.find_spec(d) for d in ("unidic_lite", "unidic")):
            errors.append(loaded.error(f"MeCab words need a UniDic dictionary: pip install "
                                       f"unidic-lite (or {JA_EXTRA})", where))
        else:
            findings.append(Finding(f"tfidf {features.label}", "ok", "fugashi and UniDic found"))
    return findings, errors
