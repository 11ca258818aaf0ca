"""One tfidf trial: fit TfidfVectorizer and LogisticRegression on the train split (random_state
= the seed), score validation and test; on a regression dataset Ridge with alpha = 1 / (2 C)
instead. Text pairs are joined by a line break. Metrics and stored predictions are those of
every method."""

from __future__ import annotations

import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, Ridge

from harness.data.load import PAIR, TEXT, column_values
from harness.methods.base import MethodOutcome
from harness.methods.context import TrialContext
from harness.methods.tfidf.spec import TfidfFeatures
from harness.tasks.base import Predictions
from harness.trial import Trial


def run(trial: Trial, ctx: TrialContext) -> MethodOutcome:
    """Fit on train, predict validation (if any) and test in row order."""
    opts = trial.key_material["method"]
    features = TfidfFeatures(**opts["features"])
    data = ctx.prepared(trial.dataset)
    texts = {split: _texts(ds) for split, ds in data.splits.items()}
    y = {split: data.task.truth(ds, data.info) for split, ds in data.splits.items()}
    scoring = ctx.scoring(trial.dataset)
    regression = data.task.family == "scores"
    vectorizer = vectorizer_for(features)
    classifier = Ridge(alpha=1 / (2 * opts["C"]), random_state=trial.seed) if regression \
        else LogisticRegression(C=opts["C"], max_iter=opts["max_iter"],
                                class_weight=opts["class_weight"], random_state=trial.seed)
    t0 = time.perf_counter()
    classifier.fit(vectorizer.fit_transform(texts["train"]), y["train"])
    fit_s = time.perf_counter() - t0
    metrics, test = {}, {}
    for split in ("validation", "test"):
        if split not in texts:
            continue
        t1 = time.perf_counter()
        x = vectorizer.transform(texts[split])
        pred = classifier.predict(x)
        pred = pred.astype(np.float32) if regression else pred
        probs = None if regression else probabilities(classifier, x, data.num_labels)
        seconds = time.perf_counter() - t1
        metrics[split] = scoring.score(Predictions(y[split], pred, probs))
        if split == "test":
            test = {"pred": pred, "probs": probs, "seconds": seconds}
    rows = len(y["test"])
    return MethodOutcome(
        metrics=metrics, test_label_ids=y["test"], test_predictions=test["pred"],
        test_probabilities=test["probs"],
        timing={"train_runtime_s": fit_s, "train_samples_per_s": len(y["train"]) / max(fit_s, 1e-9),
                "test_runtime_s": test["seconds"],
                "test_samples_per_s": rows / max(test["seconds"], 1e-9)},
        log_history=[{"vocabulary": len(vectorizer.vocabulary_), "train_rows": len(y["train"])}])


def vectorizer_for(features: TfidfFeatures) -> TfidfVectorizer:
    common = {"ngram_range": tuple(features.ngram_range), "min_df": features.min_df,
              "max_features": features.max_features, "sublinear_tf": features.sublinear_tf,
              "lowercase": features.lowercase, "dtype": np.float32}
    if features.analyzer == "mecab":
        return TfidfVectorizer(tokenizer=mecab_words(), token_pattern=None, **common)
    return TfidfVectorizer(analyzer=features.analyzer, **common)


def mecab_words():
    """A text -> MeCab surface forms function (fugashi with UniDic, as cl-tohoku BERTs split)."""
    import fugashi

    tagger = fugashi.Tagger()
    return lambda text: [word.surface for word in tagger(text)]


def probabilities(classifier, x, num_labels: int) -> np.ndarray:
    """Class probabilities over all labels (columns by label id, 0 for labels absent in train)."""
    out = np.zeros((x.shape[0], num_labels), dtype=np.float32)
    out[:, classifier.classes_] = classifier.predict_proba(x)
    return out


def _texts(ds) -> list[str]:
    texts = column_values(ds, TEXT)
    if PAIR not in ds.column_names:
        return texts
    return [f"{a}\n{b}" for a, b in zip(texts, column_values(ds, PAIR))]
