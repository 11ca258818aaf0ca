"""The runtime table: every row evaluated through a runtime other than torch set against the
same model's torch row on the same test examples.

- quality: Δ of the main metric (runtime − torch) with its 95 % paired bootstrap interval and
  the verdict of the one rule (harness.reports.rule via pairs.compare_groups: McNemar too for
  accuracy, Welch's t over seeds with ≥ 2 a side), and the agreement rate of the predictions
  (share of test examples where both predict the same label, over the shared seeds);
- speed: test throughput at the eval batch size and batch-1 latency p50 as ratios against the
  torch row (> 1: the runtime is faster), p95, peak RSS and the model's size on disk;
- probe rows: as fine-tunes (stored predictions); speed is the encoder's (texts encoded per
  second over the test split and batch-1 latency, from whichever trial of that pooling, layer
  and runtime encoded it);
- mteb tasks: Δ of the main score; for retrieval and reranking the same paired bootstrap over
  the per-query scores both trials stored (per_query.py), for STS and pair classification over
  the pairs (the main score recomputed from the per-pair similarities both stored:
  per_pair.py); the encode speed ratio.
Rows whose runtime trial failed show the library's reason. `runtime_points` feeds the figure
(plots.runtime_tradeoff)."""

from __future__ import annotations

import json

import numpy as np

from harness.reports.context import ReportContext
from harness.reports.cost import timing_mean
from harness.reports.groups import Group
from harness.reports.pairs import by_seed, compare_groups
from harness.reports.rule import RULE, paired_test
from harness.reports.table import DASH, Cell, Table, fmt_number

COLUMNS = ["dataset", "model", "method", "runtime", "seeds", "Δ vs torch", "95 % CI",
           "verdict", "agreement", "throughput × torch", "b=1 p50 ms (× torch)", "b=1 p95 ms",
           "peak RSS MB", "size MB"]


def _runtime(group: Group) -> str | None:
    rec = next(iter(group.ok or group.bad), None)
    return rec.runtime.name if rec is not None and rec.runtime is not None else None


def _base(ctx: ReportContext, g: Group) -> Group | None:
    """The torch row of the same dataset, model, method, scheduler and configuration."""
    method = g.method.rsplit(" [", 1)[0]
    return next((b for b in ctx.groups() if _runtime(b) is None and b.dataset == g.dataset
                 and b.model == g.model and b.method == method and b.scheduler == g.scheduler
                 and b.configuration == g.configuration), None)


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def agreement(ctx: ReportContext, a: Group, b: Group) -> float | None:
    """Share of test examples on which both rows predict the same label (mean over seeds); for
    real-valued predictions (regression) the Pearson correlation of the two rows' scores."""
    pa, pb = by_seed(ctx, a), by_seed(ctx, b)
    shared = [s for s in pa if s in pb and pa[s][1].shape == pb[s][1].shape]
    if not shared:
        return None
    if ctx.task_for(a.dataset).family == "scores":
        from harness.metrics.scores import pearson

        values = [pearson(pa[s][1], pb[s][1]) for s in shared]
        return None if any(v is None for v in values) else float(np.mean(values))
    return float(np.mean([np.mean(pa[s][1] == pb[s][1]) for s in shared]))


def runtime_rows(ctx: ReportContext, n_boot: int) -> list[dict]:
    """One dict per runtime row (classification rows, then mteb tasks), memoised."""
    if "runtime_rows" in ctx.memo:
        return ctx.memo["runtime_rows"]
    rows = []
    for g in ctx.groups():
        name = _runtime(g)
        if name is None:
            continue
        base = _base(ctx, g)
        row = {"dataset": g.dataset, "model": g.model, "method": g.method.rsplit(" [", 1)[0],
               "scheduler": g.scheduler, "runtime": name, "metric": ctx.main_for(g.dataset),
               "seeds": sorted(r.seed for r in g.ok if r.seed is not None)}
        if not g.ok:
            row["verdict"] = "failed: " + "; ".join(g.failures())[:300]
        elif base is None or not base.ok:
            row["verdict"] = "no ok torch row to compare with"
        else:
            r = compare_groups(ctx, g, base, n_boot)
            row.update({k: r[k] for k in ("diff", "ci95_low", "ci95_high", "significant")
                        if k in r}, verdict=r["verdict"], agreement=agreement(ctx, g, base))
            if any(rec.embedding is not None for rec in g.ok):  # probe: the encoder's speed
                row.update(_speed(_encoded(ctx, g.ok), _encoded(ctx, base.ok),
                                  "encode_samples_per_s"))
            else:
                row.update(_speed(g.ok, base.ok, "test_samples_per_s"))
        rows.append(row)
    rows += _mteb_rows(ctx, n_boot)
    ctx.memo["runtime_rows"] = rows
    return rows


def _encoded(ctx: ReportContext, records) -> list:
    """The records whose encoder speed stands for a probe row's: every ok record of the same
    model, dataset, method, pooling, layer and runtime (the encoder's speed does not depend on
    the classifier, and only the trial that encoded the test split, not one that read the
    features from the cache, measured it)."""
    def facts(r, method: str) -> tuple:
        return (r.model_name, r.dataset_name, method, r.embedding.pooling, r.embedding.layer,
                r.runtime.name if r.runtime else None)

    # a group's records carry the row label as method (`probe (mean, knn) [onnx]`)
    wanted = {facts(r, r.method.split(" ", 1)[0]) for r in records if r.embedding is not None}
    return [s for s in ctx.all_records if s.status == "ok" and s.embedding is not None
            and facts(s, s.method) in wanted]


def _speed(runtime_recs, torch_recs, throughput_field: str) -> dict:
    p50, p50_torch = (timing_mean(runtime_recs, "latency_ms_p50_b1"),
                      timing_mean(torch_recs, "latency_ms_p50_b1"))
    return {"throughput_ratio": _ratio(timing_mean(runtime_recs, throughput_field),
                                       timing_mean(torch_recs, throughput_field)),
            "latency_p50_ms": p50, "latency_speedup": _ratio(p50_torch, p50),
            "latency_p95_ms": timing_mean(runtime_recs, "latency_ms_p95_b1"),
            "peak_rss_mb": timing_mean(runtime_recs, "peak_memory_mb"),
            "size_mb": timing_mean(runtime_recs, "model_size_mb")}


def _mteb_rows(ctx: ReportContext, n_boot: int) -> list[dict]:
    from harness.methods.registry import METHODS

    # the embedding tasks' records: no leaderboard row of their own (mteb), an embedding facts
    records = [r for r in ctx.all_records if r.embedding is not None and r.method in METHODS
               and METHODS[r.method].row_label(r) is None]
    torch_recs = {(r.model_name, r.dataset_name): r for r in records
                  if r.runtime is None and r.status == "ok"}
    rows = []
    for r in records:
        if r.runtime is None:
            continue
        row = {"dataset": r.dataset_name, "model": r.model_name, "method": r.method,
               "scheduler": "-", "runtime": r.runtime.name, "seeds": [], "kind": "embedding"}
        base = torch_recs.get((r.model_name, r.dataset_name))
        split = r.embedding.eval_split if r.embedding else "test"
        row["metric"] = r.embedding.main_score_name if r.embedding else "main_score"
        if r.status != "ok":
            msg = f"{r.error.type}: {r.error.message}" if r.error else r.status
            rows.append({**row, "verdict": f"failed: {msg}"[:300]})
            continue
        if base is None:
            rows.append({**row, "verdict": "no ok torch row to compare with"})
            continue
        a, b = (x.metrics.get(split, {}).get("main_score") for x in (r, base))
        row["diff"] = a - b if a is not None and b is not None else None
        paired = _per_pair_test(ctx, r, base, n_boot) if "pairs" in r.artifacts else None
        row.update(paired or _per_query_test(ctx, r, base, n_boot))
        row.update(_speed([r], [base], "encode_samples_per_s"))
        rows.append(row)
    return rows


def _per_query_test(ctx: ReportContext, a, b, n_boot: int) -> dict:
    """The rule over the per-query scores both trials stored (retrieval, reranking)."""
    qa, qb = (_per_query(ctx, r) for r in (a, b))
    if qa is None or qb is None:
        return {"verdict": "no per-example scores stored (Δ only)"}
    ids = sorted(set(qa) & set(qb))
    if not ids or len(ids) != len(qa) or len(ids) != len(qb):
        return {"verdict": "not comparable: different queries"}
    sa, sb = np.array([qa[q] for q in ids]), np.array([qb[q] for q in ids])
    test = paired_test("main_score", np.arange(len(ids)), [sa], [sb], [sa.mean()], [sb.mean()],
                       lambda _y, p: float(np.mean(p)), n_boot)
    return {"ci95_low": test.ci_low, "ci95_high": test.ci_high, "significant": test.significant,
            "verdict": ("significant" if test.significant else "not significant")
            + f" (paired bootstrap over {len(ids)} queries)",
            "agreement": float(np.mean(np.isclose(sa, sb)))}


def _per_pair_test(ctx: ReportContext, a, b, n_boot: int) -> dict | None:
    """The rule over the pairs of an STS or pair-classification task: the paired bootstrap of
    the main score (STS: Spearman of gold and similarity; pair classification: average
    precision) recomputed from both trials' stored per-pair similarities (per_pair.py), the
    same resample of pairs for both sides. None when either trial stored none."""
    from harness.methods.mteb.per_pair import load_view, statistic

    if "pairs" not in b.artifacts:
        return None
    split = a.embedding.eval_split
    va, vb = (load_view(ctx.store.root / r.artifacts["pairs"], split) for r in (a, b))
    if va is None or vb is None:
        return None
    if va["gold"] != vb["gold"]:
        return {"verdict": "not comparable: different pairs"}
    found = statistic(a.embedding.task_type, a.embedding.main_score_name)
    if found is None:
        return {"verdict": f"{a.embedding.main_score_name} is not resampled here (Δ only)"}
    names, fn = found
    names = [k for k in names if k in va["series"] and k in vb["series"]]
    if not names:
        return {"verdict": "no per-pair similarities stored (Δ only)"}
    gold, n = np.asarray(va["gold"], dtype=np.float64), len(va["gold"])
    both = {k: np.concatenate([np.asarray(va["series"][k]), np.asarray(vb["series"][k])])
            for k in names}
    idx = np.arange(n)  # A's pairs are rows 0..n-1 of `both`, B's the same pairs at n..2n-1

    def score(y_idx, p_idx) -> float:
        return fn(gold[y_idx], {k: v[p_idx] for k, v in both.items()})

    main = a.embedding.main_score_name
    values = [x.metrics.get(split, {}).get("main_score") for x in (a, b)]
    test = paired_test(main, idx, [idx], [idx + n], [values[0]], [values[1]], score, n_boot)
    from harness.metrics.scores import pearson

    return {"ci95_low": test.ci_low, "ci95_high": test.ci_high, "significant": test.significant,
            "verdict": ("significant" if test.significant else "not significant")
            + f" (paired bootstrap over {n} pairs)",
            "agreement": pearson(both[names[0]][:n], both[names[0]][n:])}


def _per_query(ctx: ReportContext, record) -> dict | None:
    rel = record.artifacts.get("queries")
    if not rel or not (ctx.store.root / rel).is_file():
        return None
    views = json.loads((ctx.store.root / rel).read_text(encoding="utf-8")).get("views") or []
    split = record.embedding.eval_split if record.embedding else None
    view = next((v for v in views if v.get("split") == split), views[0] if views else None)
    return view.get("per_query") if view else None


def _metric_names(ctx: ReportContext, rows: list[dict]) -> list[str]:
    """`topics accuracy, sts pearson` for the datasets' rows; a word on mteb rows when any."""
    datasets = dict.fromkeys(r["dataset"] for r in rows
                             if r.get("kind") != "embedding" and r["dataset"] in ctx.scores)
    names = [", ".join(f"{d} {ctx.main_for(d)}" for d in datasets)] if datasets else []
    if any(r.get("kind") == "embedding" for r in rows):
        names.append("mteb rows: the task's main score, named beside mteb")
    return names


def runtime_table(ctx: ReportContext, n_boot: int) -> Table | None:
    rows = runtime_rows(ctx, n_boot)
    if not rows:
        return None
    columns = list(COLUMNS)
    table = Table("runtimes", f"{ctx.suite_name}: runtimes against torch (same model, same test "
                  "examples)", columns)
    for r in rows:
        ci = (f"[{r['ci95_low']:+.4f}, {r['ci95_high']:+.4f}]" if r.get("ci95_low") is not None
              else DASH)
        p50 = r.get("latency_p50_ms")
        latency = DASH if p50 is None else f"{p50:.2f}" + (
            f" (×{r['latency_speedup']:.2f})" if r.get("latency_speedup") else "")
        diff = r.get("diff")
        label = r["method"] + (f" / {r['scheduler']}" if r["scheduler"] not in ("-", None) else "")
        if r.get("kind") == "embedding":
            label = f"{r['method']} ({r['metric']})"
        table.rows.append([
            Cell(r["dataset"]), Cell(r["model"]), Cell(label), Cell(r["runtime"]),
            Cell(", ".join(map(str, r["seeds"])) or DASH),
            Cell(DASH if diff is None else f"{diff:+.4f}", diff), Cell(ci, r.get("ci95_low")),
            Cell(r["verdict"], mark="failed" if r["verdict"].startswith("failed") else ""),
            Cell(fmt_number(r.get("agreement"), 4), r.get("agreement")),
            Cell(DASH if r.get("throughput_ratio") is None else f"×{r['throughput_ratio']:.2f}",
                 r.get("throughput_ratio")),
            Cell(latency, p50), Cell(fmt_number(r.get("latency_p95_ms"), 2), r.get("latency_p95_ms")),
            Cell(fmt_number(r.get("peak_rss_mb"), 0), r.get("peak_rss_mb")),
            Cell(fmt_number(r.get("size_mb"), 1), r.get("size_mb"))])
        table.data.append(r)
    table.notes.append(
        f"Δ: runtime − torch on the dataset's main metric ({'; '.join(_metric_names(ctx, rows))}"
        "), seeds averaged; verdict by "
        f"the one rule ({RULE}); mteb retrieval/reranking: the paired bootstrap over the queries' "
        "stored scores; STS and pair classification: over the pairs (the main score recomputed "
        "from both rows' stored similarities). Agreement: share of test examples with the same "
        "predicted label (regression: the Pearson correlation of the two rows' predicted scores; "
        "mteb retrieval: queries with an equal score; STS and pair classification: the Pearson "
        "correlation of the two rows' per-pair similarities). Throughput: test rows/s at the eval batch size "
        "(probe: texts of the test split encoded/s, by the trial of that pooling that encoded "
        "them; mteb: texts encoded/s), × the torch row's; b=1: single-row latency after a warm-up, "
        "(× torch) = torch's p50 ÷ this row's (> 1: faster). Every runtime ran on the trial's "
        "torch thread count. Peak RSS: the trial process's (a sequential run's process also "
        "holds earlier trials' memory, and the trial that exported holds the exporter's).")
    return table
