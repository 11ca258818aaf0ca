"""Paired significance between two rows of the leaderboard on the same test set, from the test
predictions stored beside each record: McNemar per shared seed (exact binomial for few
discordant examples) and a paired bootstrap CI of the main-metric difference, averaged over the
shared seeds. A difference counts as significant when the bootstrap CI excludes zero."""

from __future__ import annotations

import numpy as np

from harness.reports.context import Group, ReportContext
from harness.reports.leaderboard import ranked_groups
from harness.reports.stats import mcnemar, paired_bootstrap
from harness.reports.table import DASH, Cell, Table


def compare(ctx: ReportContext, a: Group, b: Group, n_boot: int) -> dict:
    """A vs B on the main metric: seeds, Δ, bootstrap CI, McNemar per seed, verdict."""
    from harness.metrics.registry import METRICS, MetricContext

    out = {"dataset": a.dataset, "a": a.label, "b": b.label, "b_baseline": b.baseline,
           "metric": ctx.main}
    preds_a, preds_b = _by_seed(ctx, a), _by_seed(ctx, b)
    if b.baseline:  # one baseline trial, no seed: paired with every seed of A
        preds_b = {s: next(iter(preds_b.values())) for s in preds_a} if preds_b else {}
    seeds = sorted(set(preds_a) & set(preds_b), key=str)
    if not seeds:
        return {**out, "verdict": "no shared seeds with stored predictions"}
    y = preds_a[seeds[0]][0]
    if any(not np.array_equal(p[0], y) for s in seeds for p in (preds_a[s], preds_b[s])):
        return {**out, "verdict": "not comparable: different test sets"}
    fn = METRICS.get(ctx.main)
    if fn is None:
        return {**out, "verdict": f"{ctx.main} is not a registry metric: no bootstrap"}
    labels = (a.ok or b.ok)[0].label_names
    mctx = MetricContext(len(labels), ctx.positive_label_id(a.dataset, labels))
    from harness.reports.cm_metrics import CM_METRICS

    if fn(y, preds_a[seeds[0]][1], mctx) is None:
        return {**out, "verdict": f"{ctx.main} is undefined on this task"}

    boot = paired_bootstrap(y, [preds_a[s][1] for s in seeds], [preds_b[s][1] for s in seeds],
                            lambda t, p: fn(t, p, mctx), n_boot=n_boot,
                            cm_metric=CM_METRICS.get(ctx.main), num_labels=len(labels),
                            positive=mctx.positive_label_id)
    tests = [mcnemar(y, preds_a[s][1], preds_b[s][1]) for s in seeds]
    significant = boot.low > 0 or boot.high < 0
    return {**out, "seeds": seeds, "diff": boot.mean, "ci95_low": boot.low, "ci95_high": boot.high,
            "n_boot": n_boot, "mcnemar": [{"seed": s, "only_a": t.only_a, "only_b": t.only_b,
                                           "p": t.p, "exact": t.exact} for s, t in zip(seeds, tests)],
            "significant": significant,
            "verdict": "significant on this test set" if significant else "not significant"}


def significance(ctx: ReportContext, n_boot: int = 1000, pairs: str = "leader") -> list[dict]:
    """Per dataset: the leader against every other row (`pairs="leader"`) or all pairs."""
    results = []
    for dataset in dict.fromkeys(g.dataset for g in ctx.groups()):
        rows = [g for g in ranked_groups(ctx) if g.dataset == dataset and g.ok]
        models = [g for g in rows if not g.baseline]
        baseline = [g for g in rows if g.baseline]
        if not models:
            continue
        if pairs == "all":
            todo = [(a, b) for i, a in enumerate(models) for b in models[i + 1:]]
        else:
            todo = [(models[0], b) for b in models[1:]]
        todo += [(models[0], b) for b in baseline]
        results += [compare(ctx, a, b, n_boot) for a, b in todo]
    return results


def top2_notes(ctx: ReportContext, results: list[dict]) -> list[str]:
    """One line per dataset: is the leader's lead over the runner-up significant?"""
    notes, seen = [], set()
    for r in results:
        if r["dataset"] in seen or r["b_baseline"]:
            continue
        seen.add(r["dataset"])
        if "diff" not in r:
            notes.append(f"{r['dataset']}: top-2 {r['a']} vs {r['b']}: {r['verdict']}.")
            continue
        notes.append(f"{r['dataset']}: top-2 {r['a']} vs {r['b']}: Δ {r['metric']} "
                     f"{r['diff']:+.4f}, 95 % paired bootstrap CI [{r['ci95_low']:+.4f}, "
                     f"{r['ci95_high']:+.4f}], McNemar p {_ps(r)} → {r['verdict']}.")
    return notes


def significance_table(ctx: ReportContext, results: list[dict]) -> Table | None:
    if not results:
        return None
    table = Table("significance", f"{ctx.suite_name}: paired significance on the same test set "
                  f"({ctx.main}; McNemar per seed, paired bootstrap over test examples)",
                  ["dataset", "A", "B", "seeds", f"Δ {ctx.main} (A − B)", "95 % bootstrap CI",
                   "A only right / B only right", "McNemar p", "verdict"])
    for r in results:
        if "diff" not in r:
            row = [r["dataset"], r["a"], r["b"], DASH, DASH, DASH, DASH, DASH, r["verdict"]]
            table.rows.append([Cell(v) for v in row])
        else:
            counts = ", ".join(f"{m['only_a']}/{m['only_b']}" for m in r["mcnemar"])
            table.rows.append([Cell(r["dataset"]), Cell(r["a"]), Cell(r["b"]),
                               Cell(", ".join(map(str, r["seeds"]))), Cell(f"{r['diff']:+.4f}", r["diff"]),
                               Cell(f"[{r['ci95_low']:+.4f}, {r['ci95_high']:+.4f}]", r["ci95_low"]),
                               Cell(counts), Cell(_ps(r)), Cell(r["verdict"])])
        table.data.append(r)
    n_boot = next((r["n_boot"] for r in results if "n_boot" in r), None)
    table.notes.append(f"Bootstrap: {n_boot} resamples of the test examples, the same for A and B, "
                       "metric averaged over the shared seeds. McNemar: exact binomial below 25 "
                       "discordant examples, else χ² with continuity correction. Significant: "
                       "the bootstrap CI excludes 0. It covers test-set sampling for these seeds, not "
                       "seed-to-seed variation: read it with the leaderboard's t-intervals.")
    return table


def _ps(r: dict) -> str:
    return ", ".join(f"{m['p']:.3g}" + ("" if m["exact"] else " (χ²)") for m in r["mcnemar"])


def _by_seed(ctx: ReportContext, g: Group) -> dict:
    out = {}
    for rec in g.ok:
        pred = ctx.predictions(rec)
        if pred is not None:
            out[rec.seed] = pred
    return out
