"""Two rows of one dataset compared on the same test set by the one rule (harness.reports.rule):
paired bootstrap over the stored test predictions of their shared seeds (McNemar per seed for
accuracy) and Welch's t over their seeds' scores. Used by the significance table, the top-2 and
scheduler lines and the ≈ majority marks."""

from __future__ import annotations

import numpy as np

from harness.reports.groups import Group
from harness.reports.rule import paired_test


def compare_groups(ctx, a: Group, b: Group, n_boot: int, metric: str | None = None) -> dict:
    """A vs B on `metric` (default the main metric): seeds, Δ, bootstrap CI, McNemar per seed,
    Welch p, `significant` and a verdict. `ctx` is a ReportContext (predictions, labels)."""
    from harness.metrics.registry import METRICS, MetricContext
    from harness.reports.cm_metrics import CM_METRICS

    metric = metric or ctx.main
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
    fn = METRICS.get(metric)
    if fn is None:
        return {**out, "verdict": f"{metric} is not a registry metric: no bootstrap"}
    labels = (a.ok or b.ok)[0].label_names
    mctx = MetricContext(len(labels), ctx.positive_label_id(a.dataset, labels))
    if fn(y, preds_a[seeds[0]][1], mctx) is None:
        return {**out, "verdict": f"{metric} is undefined on this task"}
    test = paired_test(metric, y, [preds_a[s][1] for s in seeds], [preds_b[s][1] for s in seeds],
                       a.values(metric), b.values(metric), lambda t, p: fn(t, p, mctx), n_boot,
                       CM_METRICS.get(metric), len(labels), mctx.positive_label_id)
    mcnemars = test.mcnemar or [_mcnemar(y, preds_a[s][1], preds_b[s][1]) for s in seeds]
    return {**out, "seeds": seeds, "diff": test.diff, "ci95_low": test.ci_low,
            "ci95_high": test.ci_high, "n_boot": n_boot, "test": test.test,
            "welch_p": test.welch,
            "mcnemar": [{"seed": s, "only_a": t.only_a, "only_b": t.only_b, "p": t.p,
                         "exact": t.exact} for s, t in zip(seeds, mcnemars)],
            "significant": test.significant,
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
