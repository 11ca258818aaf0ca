"""What every report needs from a results dir: the records of the latest plan, the suite's
metrics and main metric, and a footer that makes a pasted table reproducible."""

from __future__ import annotations

from pathlib import Path

from harness.errors import HarnessError
from harness.store.store import ResultsStore


def report_inputs(root: Path):
    if not root.is_dir():
        raise HarnessError("results dir not found", file=str(root))
    store = ResultsStore(root)
    plan = store.read_plan()
    records = store.records([e["trial_id"] for e in plan] if plan is not None else None)
    if not records:
        raise HarnessError("no trial records here (run `harness run SUITE` first)", file=str(root))
    suite = store.read_resolved_suite()
    if suite is not None:
        metrics = [m["name"] for m in suite["metrics"]]
        main = suite.get("main_metric") or metrics[0]
        name = suite["name"]
    else:
        main = records[0].main_metric
        metrics = list(dict.fromkeys(m for r in records for m in r.metrics.get("test", {})))
        name = records[0].suite_name
    footer = _footer(records, name)
    return store, records, metrics, main, f"{name}: test split, mean over seeds", footer


def _footer(records, suite_name: str) -> list[str]:
    trained = [r for r in records if r.model_name]
    env = (trained or records)[0].environment
    seeds = sorted({r.seed for r in records if r.seed is not None})
    finished = max(r.finished_at for r in records)
    versions = ", ".join(f"{k} {v}" for k, v in env.packages.items()
                         if k in ("torch", "transformers", "datasets") and v)
    code = f" @ {env.git_sha[:10]}{'+dirty' if env.git_dirty else ''}" if env.git_sha else ""
    lines = [f"suite {suite_name} · finished {finished} · harness {env.harness}{code} · {versions}"
             f" · seeds {', '.join(map(str, seeds)) or '-'} · device {env.device}"
             f"{' (' + env.device_name + ')' if env.device_name else ''}"
             f"{', ' + env.precision if env.precision else ''}"]
    lines += _fit_lines(records)
    failed = [r for r in records if r.status != "ok"]
    for r in failed:
        message = f"{r.error.type}: {r.error.message}" if r.error else r.status
        lines.append(f"- {r.status}: {r.trial_id}: {message}")
    return lines


def _fit_lines(records) -> list[str]:
    """One line per model × dataset with tokenizer-fit facts, then its warnings."""
    seen, lines = set(), []
    for r in records:
        f = r.tokenizer_fit
        if not f or (r.model_name, r.dataset_name) in seen:
            continue
        seen.add((r.model_name, r.dataset_name))
        lines.append(f"tokenizer fit {r.model_name} × {r.dataset_name}: tokens/row mean "
                     f"{f['tokens_mean']:.1f}, p95 {f['tokens_p95']:.0f}, max {f['tokens_max']}; "
                     f"truncated {f['truncated_share']:.1%} at {f['max_length']}; "
                     f"[UNK] {f['unk_rate']:.2%}")
        lines += [f"- warning: {r.model_name} × {r.dataset_name}: {w}" for w in f.get("warnings", [])]
    return lines
