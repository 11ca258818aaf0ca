"""Independent re-implementations of the two extractive-QA metrics harness declares, written
after the originals' structure (not harness's), for tests that recompute EM / F1:

- `official_v11`: the SQuAD v1.1 evaluation script (evaluate-v1.1.py): normalize_answer,
  f1_score, exact_match_score, metric_max_over_ground_truths, evaluate() returning percents.
- `jglue_patched`: transformers' legacy `squad_metrics.py` as JGLUE's fine-tuning patch
  changes it (transformers-4.9.2_jglue-1.1.0.patch): remove_articles becomes rstrip("。"),
  remove_punc does nothing, compute_f1 compares character lists; get_raw_scores drops gold
  answers that normalise to nothing; make_eval_dict returns percents.
"""

from __future__ import annotations

import collections
import re
import string


class official_v11:  # noqa: N801 - a namespace named after the script
    @staticmethod
    def normalize_answer(s):
        def remove_articles(text):
            return re.sub(r"\b(a|an|the)\b", " ", text)

        def white_space_fix(text):
            return " ".join(text.split())

        def remove_punc(text):
            exclude = set(string.punctuation)
            return "".join(ch for ch in text if ch not in exclude)

        def lower(text):
            return text.lower()

        return white_space_fix(remove_articles(remove_punc(lower(s))))

    @classmethod
    def f1_score(cls, prediction, ground_truth):
        prediction_tokens = cls.normalize_answer(prediction).split()
        ground_truth_tokens = cls.normalize_answer(ground_truth).split()
        common = collections.Counter(prediction_tokens) & collections.Counter(ground_truth_tokens)
        num_same = sum(common.values())
        if num_same == 0:
            return 0
        precision = 1.0 * num_same / len(prediction_tokens)
        recall = 1.0 * num_same / len(ground_truth_tokens)
        return (2 * precision * recall) / (precision + recall)

    @classmethod
    def exact_match_score(cls, prediction, ground_truth):
        return cls.normalize_answer(prediction) == cls.normalize_answer(ground_truth)

    @staticmethod
    def metric_max_over_ground_truths(metric_fn, prediction, ground_truths):
        return max(metric_fn(prediction, gt) for gt in ground_truths)

    @classmethod
    def per_question(cls, prediction, ground_truths):
        return (cls.metric_max_over_ground_truths(cls.exact_match_score, prediction, ground_truths),
                cls.metric_max_over_ground_truths(cls.f1_score, prediction, ground_truths))

    @classmethod
    def evaluate(cls, golds: dict, predictions: dict) -> dict:
        """golds: id -> list of answer texts; predictions: id -> text. Percents, as printed."""
        f1 = exact_match = total = 0
        for qid, ground_truths in golds.items():
            total += 1
            em, f = cls.per_question(predictions[qid], ground_truths)
            exact_match += em
            f1 += f
        return {"exact_match": 100.0 * exact_match / total, "f1": 100.0 * f1 / total}


class jglue_patched:  # noqa: N801
    @staticmethod
    def normalize_answer(s):
        def remove_articles(text):
            return text.rstrip("。")

        def white_space_fix(text):
            return " ".join(text.split())

        def remove_punc(text):
            return text

        def lower(text):
            return text.lower()

        return white_space_fix(remove_articles(remove_punc(lower(s))))

    @classmethod
    def compute_exact(cls, a_gold, a_pred):
        return int(cls.normalize_answer(a_gold) == cls.normalize_answer(a_pred))

    @classmethod
    def compute_f1(cls, a_gold, a_pred):
        gold_toks = list(cls.normalize_answer(a_gold))
        pred_toks = list(cls.normalize_answer(a_pred))
        common = collections.Counter(gold_toks) & collections.Counter(pred_toks)
        num_same = sum(common.values())
        if len(gold_toks) == 0 or len(pred_toks) == 0:
            return int(gold_toks == pred_toks)
        if num_same == 0:
            return 0
        precision = 1.0 * num_same / len(pred_toks)
        recall = 1.0 * num_same / len(gold_toks)
        return (2 * precision * recall) / (precision + recall)

    @classmethod
    def per_question(cls, prediction, answers):
        gold_answers = [a for a in answers if cls.normalize_answer(a)]
        if not gold_answers:
            gold_answers = [""]
        return (max(cls.compute_exact(a, prediction) for a in gold_answers),
                max(cls.compute_f1(a, prediction) for a in gold_answers))

    @classmethod
    def evaluate(cls, golds: dict, predictions: dict) -> dict:
        exact_scores, f1_scores = {}, {}
        for qid, answers in golds.items():
            exact_scores[qid], f1_scores[qid] = cls.per_question(predictions[qid], answers)
        total = len(exact_scores)
        return {"exact_match": 100.0 * sum(exact_scores.values()) / total,
                "f1": 100.0 * sum(f1_scores.values()) / total}


REFERENCES = {"squad": official_v11, "jglue": jglue_patched}
