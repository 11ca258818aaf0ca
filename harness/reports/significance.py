"""Paired significance between two rows of the leaderboard on the same test set, by the one rule
of every report and of `harness compare` (harness.reports.rule): a paired bootstrap CI of the
main-metric difference over the stored test predictions of the shared seeds must exclude 0 (for
accuracy McNemar too, per seed) and, with ≥ 2 seeds a side, Welch's t over the seeds must agree.
McNemar per seed is shown for every metric."""

from __future__ import annotations

from harness.reports.context import ReportContext
from harness.reports.groups import MAJORITY_MARK
from harness.reports.leaderboard import ranked_groups
from harness.reports.pairs import compare_groups
from harness.reports.rule import RULE
from harness.reports.table import DASH, Cell, Table


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
        for a, b in todo:
            r = compare_groups(ctx, a, b, n_boot)
            r["learned_nothing"] = [g.label for g in (a, b) if g.marker]
            results.append(r)
    return results


def top2_notes(ctx: ReportContext, results: list[dict]) -> list[str]:
    """One line per dataset: is the leader's lead over the runner-up significant? No winner is
    named where either row learned nothing (≈ majority)."""
    notes, seen = [], set()
    for r in results:
        if r["dataset"] in seen or r["b_baseline"]:
            continue
        seen.add(r["dataset"])
        head = f"{r['dataset']}: top-2 {r['a']} vs {r['b']}"
        if r["learned_nothing"]:
            both = len(r["learned_nothing"]) == 2
            notes.append(f"{head}: {'both rows are' if both else r['learned_nothing'][0] + ' is'} "
                         f"{MAJORITY_MARK} (learned nothing beyond the majority class): no winner.")
            continue
        if "diff" not in r:
            notes.append(f"{head}: {r['verdict']}.")
            continue
        welch = "" if r["welch_p"] is None else f", Welch's t over seeds p {r['welch_p']:.3g}"
        notes.append(f"{head}: Δ {r['metric']} {r['diff']:+.4f}, 95 % paired bootstrap CI "
                     f"[{r['ci95_low']:+.4f}, {r['ci95_high']:+.4f}]{welch}"
                     + (f", McNemar p {_ps(r)}" if r["mcnemar"] else "") + " → "
                     f"{r['verdict']} ({r['test']}).")
    return notes


def significance_table(ctx: ReportContext, results: list[dict]) -> Table | None:
    if not results:
        return None
    metrics = list(dict.fromkeys(r["metric"] for r in results))
    one = metrics[0] if len(metrics) == 1 else None
    table = Table("significance", f"{ctx.suite_name}: paired significance on the same test set "
                  f"({', '.join(metrics)}; paired bootstrap over test examples, Welch's t over "
                  "seeds, McNemar per seed where predictions are ids)",
                  ["dataset", "A", "B", "seeds", f"Δ {one} (A − B)" if one else "Δ (A − B)",
                   "95 % bootstrap CI",
                   "Welch p (seeds)", "A only right / B only right", "McNemar p", "verdict"])
    for r in results:
        if "diff" not in r:
            row = [r["dataset"], r["a"], r["b"], DASH, DASH, DASH, DASH, DASH, DASH, r["verdict"]]
            table.rows.append([Cell(v) for v in row])
        else:
            counts = ", ".join(f"{m['only_a']}/{m['only_b']}" for m in r["mcnemar"])
            welch = DASH if r["welch_p"] is None else f"{r['welch_p']:.3g}"
            counts = counts or DASH
            table.rows.append([Cell(r["dataset"]), Cell(r["a"]), Cell(r["b"]),
                               Cell(", ".join(map(str, r["seeds"]))),
                               Cell(("" if one else f"{r['metric']} ") + f"{r['diff']:+.4f}", r["diff"]),
                               Cell(f"[{r['ci95_low']:+.4f}, {r['ci95_high']:+.4f}]", r["ci95_low"]),
                               Cell(welch, r["welch_p"]), Cell(counts), Cell(_ps(r) or DASH),
                               Cell(r["verdict"])])
        table.data.append(r)
    n_boot = next((r["n_boot"] for r in results if "n_boot" in r), None)
    table.notes.append(f"Bootstrap: {n_boot} resamples of the test examples, the same for A and B, "
                       "metric averaged over the shared seeds. McNemar: exact binomial below 25 "
                       "discordant examples, else χ² with continuity correction. Welch's t: over "
                       f"each side's seed scores (— with fewer than 2 seeds a side). {RULE}.")
    return table


def _ps(r: dict) -> str:
    return ", ".join(f"{m['p']:.3g}" + ("" if m["exact"] else " (χ²)") for m in r["mcnemar"])
