"""The leaderboard: records -> pandas frame -> markdown / csv / json.

Rows: dataset × model × method × scheduler, mean over seeds with n; each dataset's majority
baseline is a row of its own so a trial that learned nothing stands out.
"""

from __future__ import annotations

import json

from harness.reports.escape import md_text
from harness.store.record import TrialRecord

GROUP = ["dataset", "model", "method", "scheduler"]
THROUGHPUT = "train samples/s"


def leaderboard_frame(records: list[TrialRecord], metrics: list[str], main: str, split: str = "test"):
    import pandas as pd

    rows = []
    for r in records:
        row = {"dataset": r.dataset_name, "model": r.model_name or "-", "method": r.method,
               "scheduler": r.scheduler or "-", "seed": r.seed, "ok": r.status == "ok"}
        scores = r.metrics.get(split, {}) if r.status == "ok" else {}
        row.update({m: scores.get(m) for m in metrics})
        row[THROUGHPUT] = r.timing.train_samples_per_s if r.status == "ok" else None
        rows.append(row)
    columns = GROUP + ["n", "failed"] + metrics + [THROUGHPUT]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows)
    numeric = metrics + [THROUGHPUT]
    frame[numeric] = frame[numeric].astype("float64")
    ok = frame[frame["ok"]]
    agg = ok.groupby(GROUP, sort=False)[numeric].mean()
    counts = frame.groupby(GROUP, sort=False)["ok"].agg(n="sum", total="count")
    table = counts.join(agg, how="left").reset_index()
    table["n"] = table["n"].astype(int)
    table["failed"] = (table.pop("total") - table["n"]).astype(int)
    table["_baseline"] = table["method"] == "majority"
    table = table.sort_values(["dataset", "_baseline", main], ascending=[True, True, False],
                              na_position="last", kind="stable")
    return table.drop(columns="_baseline")[columns].reset_index(drop=True)


def render(frame, fmt: str, *, title: str = "", footer: list[str] | None = None) -> str:
    if fmt == "json":
        return json.dumps(json.loads(frame.to_json(orient="records")), indent=2)
    if fmt == "csv":
        return frame.to_csv(index=False)
    from tabulate import tabulate

    shown = frame if frame["failed"].any() else frame.drop(columns="failed")
    shown = shown.astype(object).where(shown.notna(), None)  # blank cells, not "nan"
    for column in GROUP:  # names from suites and data are text, not markup
        shown[column] = shown[column].map(lambda v: md_text(v) if v is not None else v)
    floatfmt = [".1f" if c == THROUGHPUT else ".4f" for c in shown.columns]
    body = tabulate(shown.values.tolist(), headers=list(shown.columns), tablefmt="github",
                    floatfmt=floatfmt, missingval="")
    parts = [f"## {title}\n" if title else "", body]
    if footer:
        parts.append("\n" + "\n".join(md_text(line) if not line.startswith("- ") else
                                       "- " + md_text(line[2:]) for line in footer))
    return "\n".join(p for p in parts if p) + "\n"
