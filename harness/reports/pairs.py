"""Two rows of one dataset compared on the same test set by the one rule (harness.reports.rule):
paired bootstrap over the stored test predictions of their shared seeds (McNemar per seed for
accuracy) and Welch's t over their seeds' scores. Used by the significance table, the top-2 and
scheduler lines and the ≈ majority marks."""

from __future__ import annotations

import numpy as np

from harness.reports.groups import Group
from harness.reports.rule import paired_test


def compare_groups(ctx, a: Group, b: Group, n_boot: int, metric: str | None = None) -> dict:
    """A vs B on `metric` (default the dataset's main metric; against a baseline whose main
    metric is undefined — the train mean has no correlation — the first of the dataset's metrics
    defined for both, e.g. MSE): seeds, Δ, bootstrap CI, McNemar per seed, Welch p,
    `significant` and a verdict. `ctx` is a ReportContext (predictions, dataset scores)."""
    from harness.reports.cm_metrics import CM_METRICS

    scores = ctx.scores[a.dataset]
    scoring = scores.scoring()
    metric = metric or scores.main
    out = {"dataset": a.dataset, "a": a.label, "b": b.label, "b_baseline": b.baseline,
           "metric": metric}
    preds_a, preds_b = by_seed(ctx, a), by_seed(ctx, b)
    if b.baseline:  # one baseline trial, no seed: paired with every seed of A
        preds_b = {s: next(iter(preds_b.values())) for s in preds_a} if preds_b else {}
    seeds = sorted(set(preds_a) & set(preds_b), key=str)
    if not seeds:
        return {**out, "verdict": "no shared seeds with stored predictions"}
    y = preds_a[seeds[0]][0]
    if any(not np.array_equal(p[0], y) for s in seeds for p in (preds_a[s], preds_b[s])):
        return {**out, "verdict": "not comparable: different test sets"}
    fn = scoring.fn(metric)
    if fn is None:
        return {**out, "verdict": f"{metric} is not a registry metric: no bootstrap"}

    def defined(name) -> bool:
        f = scoring.fn(name)
        return f is not None and f(y, preds_a[seeds[0]][1]) is not None \
            and f(y, preds_b[seeds[0]][1]) is not None

    if not defined(metric):
        fallback = next((m for m in scores.metrics if defined(m)), None) if b.baseline else None
        if fallback is None:
            return {**out, "verdict": f"{metric} is undefined on this task"}
        metric, fn = fallback, scoring.fn(fallback)
        out["metric"] = metric
    cm = CM_METRICS.get(metric) if scoring.family == "labels" else None
    test = paired_test(metric, y, [preds_a[s][1] for s in seeds], [preds_b[s][1] for s in seeds],
                       a.values(metric), b.values(metric), fn, n_boot, cm,
                       scoring.num_labels, scoring.positive_label_id)
    mcnemars = test.mcnemar or ([_mcnemar(y, preds_a[s][1], preds_b[s][1]) for s in seeds]
                                if scoring.family == "labels" else [])  # right/wrong: ids only
    return {**out, "seeds": seeds, "diff": test.diff, "ci95_low": test.ci_low,
            "ci95_high": test.ci_high, "n_boot": n_boot, "test": test.test,
            "welch_p": test.welch,
            "mcnemar": [{"seed": s, "only_a": t.only_a, "only_b": t.only_b, "p": t.p,
                         "exact": t.exact} for s, t in zip(seeds, mcnemars)],
            "significant": test.significant, "greater_is_better": scoring.greater_is_better(metric),
            "verdict": "significant" if test.significant else "not significant"}


def _mcnemar(y, a, b):
    from harness.reports.stats import mcnemar

    return mcnemar(y, a, b)


def by_seed(ctx, g: Group) -> dict:
    """seed -> (label ids, predictions) of the group's ok trials that stored predictions."""
    out = {}
    for rec in g.ok:
        pred = ctx.predictions(rec)
        if pred is not None:
            out[rec.seed] = pred
    return out
