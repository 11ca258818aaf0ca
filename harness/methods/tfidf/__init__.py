"""tfidf: TF-IDF features + logistic regression (scikit-learn), a classic non-neural baseline
printed beside the majority row; no model, one trial per dataset × feature set × seed. Word
n-grams by default; for Japanese, character n-grams (`analyzer: char`) or MeCab words
(`analyzer: mecab`, the [ja] extra).

spec.py (suite entry) · plan.py (trials, keys) · checks.py (MeCab available) · run.py.
"""

from __future__ import annotations

from harness.methods.base import Method, MethodOutcome
from harness.methods.tfidf.checks import check_tfidf
from harness.methods.tfidf.plan import tfidf_trials
from harness.methods.tfidf.spec import TfidfFeatures, TfidfMethod


class Tfidf(Method):
    name = "tfidf"
    task_types = frozenset({"classification", "regression"})
    spec = TfidfMethod

    def dataset_trials(self, spec, dataset, plan):
        return tfidf_trials(spec, dataset, plan)

    def check(self, spec, index, suite_file):
        return check_tfidf(spec, index, suite_file)

    def run(self, trial, ctx) -> MethodOutcome:
        from harness.methods.tfidf.run import run  # scikit-learn: trial time only

        return run(trial, ctx)

    def row_label(self, record) -> str:
        """Each feature set is a leaderboard row of its own: `tfidf (char 1-3)`."""
        features = (record.config.get("method") or {}).get("features")
        return f"{record.method} ({TfidfFeatures(**features).label})" if features else record.method


METHOD = Tfidf()
