"""What every report needs from a results dir: the records of the latest plan grouped by
dataset × model × method × scheduler (× configuration, of which selection.py chooses one per
row on validation), each dataset's metrics and main metric (scores.py: by its task type), each
trial's stored test predictions, and a footer that makes a pasted table reproducible."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from harness.errors import HarnessError
from harness.methods.registry import METHODS
from harness.reports.groups import Group, group_records
from harness.reports.learned import mark_learned_nothing
from harness.reports.scores import DatasetScores, dataset_scores
from harness.reports.selection import Choice, choose, chosen_group
from harness.store.record import TrialRecord
from harness.store.store import ResultsStore, open_results


@dataclass
class ReportContext:
    store: ResultsStore
    records: list[TrialRecord]
    scores: dict[str, DatasetScores]  # per dataset: task type, metrics, main and selection metric
    suite_name: str
    suite: dict | None  # the resolved suite, when the results dir has it
    footer: list[str]
    all_records: list[TrialRecord] = field(default_factory=list)  # every method's, for its tables
    n_boot: int = 1000  # bootstrap resamples for the ≈ majority marks
    memo: dict = field(default_factory=dict, repr=False)

    def metrics_for(self, dataset: str) -> list[str]:
        return self.scores[dataset].metrics

    def main_for(self, dataset: str) -> str:
        return self.scores[dataset].main

    def selection_for(self, dataset: str) -> str:
        return self.scores[dataset].selection

    def task_for(self, dataset: str):
        return self.scores[dataset].task

    def main_header(self, datasets) -> tuple[str, bool]:
        """(column header, mixed): the one main metric of these datasets, or 'main metric' when
        they differ (each cell then names its own)."""
        mains = list(dict.fromkeys(self.main_for(d) for d in datasets))
        return (mains[0], False) if len(mains) == 1 else ("main metric", True)

    def bounds(self, dataset: str, metric: str, scale: float = 1.0):
        """The metric's range in the dataset's metric family, scaled like the table."""
        from harness.reports.table import metric_bounds

        return metric_bounds(metric, scale, self.task_for(dataset).family)

    @property
    def mains(self) -> list[str]:
        """The datasets' main metrics, each once (one when every dataset shares it)."""
        return list(dict.fromkeys(s.main for s in self.scores.values()))

    @property
    def selection_metrics(self) -> list[str]:
        return list(dict.fromkeys(s.selection for s in self.scores.values()))

    def all_groups(self) -> list[Group]:
        """Every configuration of every row (what the search table lists)."""
        if "all" not in self.memo:
            self.memo["all"] = group_records(self.records)
        return self.memo["all"]

    def choices(self) -> list[Choice]:
        """Per row, its configurations and the one selected on validation (selection.py)."""
        if "choices" not in self.memo:
            self.memo["choices"] = choose(self.all_groups(), self.scores)
        return self.memo["choices"]

    def searched(self) -> bool:
        """Some row ran several configurations (a grid or a search)."""
        return any(c.searched for c in self.choices())

    def groups(self) -> list[Group]:
        """One group per row: its selected configuration (test scores only from here on), marked
        ≈ majority when it learned nothing (learned.py). What every table and figure shows."""
        if "rows" not in self.memo:
            rows = [chosen_group(c) for c in self.choices()]
            mark_learned_nothing(self, rows, self.n_boot)
            self.memo["rows"] = rows
        return self.memo["rows"]

    def scheduler_varies(self) -> bool:
        return len({r.scheduler for r in self.records if r.scheduler}) > 1

    def predictions(self, record: TrialRecord) -> tuple[np.ndarray, np.ndarray] | None:
        """(label_ids, predictions) in test row order, None when the trial stored none or
        they are damaged (the store notes that: the report names it)."""
        arrays = self.store.read_predictions(record)
        return None if arrays is None else (arrays["label_ids"], arrays["predictions"])

    @property
    def damaged(self) -> dict[str, str]:
        """Damaged files met so far (path in the results dir -> what is wrong), skipped."""
        return self.store.damaged



def load_context(root: Path, n_boot: int = 1000) -> ReportContext:
    """The context of a results dir; damaged files (a truncated record, a predictions file that
    does not load, plan.json) are skipped and listed in `damaged` and the footer: every intact
    record is still reported."""
    store = open_results(root)
    plan = store.read_plan()
    records = store.records([e["trial_id"] for e in plan] if plan is not None else None)
    # The latest plan names each trial's configuration: a record reused from a suite that ran
    # the same key without a grid still counts as its configuration here.
    configured = {e["trial_id"]: e["configuration"] for e in plan or [] if "configuration" in e}
    records = [r.model_copy(update={"configuration": configured[r.trial_id]})
               if configured.get(r.trial_id, r.configuration) != r.configuration else r
               for r in records]
    if not records:
        damaged = f" ({len(store.damaged)} damaged: `harness doctor {root}`)" if store.damaged else ""
        raise HarnessError(f"no trial records here{damaged} (run `harness run SUITE` first)",
                           file=str(root))
    suite = store.read_resolved_suite()
    name = suite["name"] if suite is not None else records[0].suite_name
    rows = classification_records(records)
    for r in records:  # a damaged predictions file is found now, not halfway through a table
        store.predictions_intact(r)
    footer = _footer(records, name)
    unread = sum(1 for e in plan or [] if f"records/{e['trial_id']}.json" in
                 {**store.damaged, **store.newer})
    if plan is not None and len(plan) > len(records) + unread:
        footer.append(f"plan: {len(plan) - len(records) - unread} of {len(plan)} planned trials "
                      "have no record yet (the run has not finished): a selection among "
                      "configurations can change when they have")
    footer += damaged_lines(store)
    return ReportContext(store, rows, dataset_scores(rows, suite), name, suite, footer, records,
                         n_boot)


def damaged_lines(store: ResultsStore) -> list[str]:
    """Footer lines naming each damaged file the report skipped, and the repair."""
    lines = [f"- not shown: {rel}: {problem}" for rel, problem in store.newer.items()]
    if not store.damaged:
        return lines
    lines += [f"- damaged, skipped: {rel}: {problem}" for rel, problem in store.damaged.items()]
    return lines + [f"damaged: {len(store.damaged)} file(s) skipped (a trial whose record or "
                    f"predictions are damaged counts as not done); `harness doctor {store.root} "
                    "--fix` moves them aside, then `harness run` recomputes those trials"]


def classification_records(records: list[TrialRecord]) -> list[TrialRecord]:
    """The leaderboard's records, each under its method's row label (a probe's pooling and
    classifier, say); methods whose records are no leaderboard rows (mteb) are left out."""
    out = []
    for r in records:
        label = METHODS[r.method].row_label(r) if r.method in METHODS else r.method
        if label is None:
            continue
        out.append(r if label == r.method else r.model_copy(update={"method": label}))
    return out


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
             f"{', ' + env.precision if env.precision else ''}"
             f"{f', {env.cpu_count} CPU cores' if env.cpu_count else ''}"]
    lines += _revisions(records)
    reused = sum(1 for r in records if r.reused_from)
    if reused:
        lines.append(f"trials: {reused} reused from earlier runs (reused_from), "
                     f"{len(records) - reused} computed in this results dir")
    lines += _fit_lines(records)
    failed = [r for r in records if r.status not in ("ok", "pruned")]
    pruned = sum(1 for r in records if r.status == "pruned")
    if pruned:
        lines.append(f"pruned: {pruned} trial(s) stopped early by the search's pruner (never "
                     "averaged; the search table lists them)")
    for r in failed:
        message = f"{r.error.type}: {r.error.message}" if r.error else r.status
        lines.append(f"- {r.status}: {r.trial_id}: {message}")
    for r in records:
        for name, outcome in r.tracking.items():
            if outcome.status != "ok":
                lines.append(f"- tracker {name} failed on {r.trial_id} (the trial's result is "
                             f"unaffected): {outcome.error}")
    for r in records:
        if r.status == "ok" and r.attempts:
            final = r.attempts[-1]
            lines.append(f"- retried: {r.trial_id}: {r.attempts[0]['reason']}; ran at batch "
                         f"{final['batch_size']} × accumulation {final['gradient_accumulation_steps']} "
                         f"after {len(r.attempts) - 1} out-of-memory attempt(s)")
    return lines


def _revisions(records) -> list[str]:
    """Model and data revisions: hub id@revision or the content hash of the files/dir used."""
    models: dict[str, str] = {}
    data: dict[str, str] = {}
    for r in records:
        model = r.config.get("model") or {}
        if r.model_name and model.get("fingerprint"):
            models.setdefault(r.model_name, _short(model["fingerprint"]))
        dataset = r.config.get("dataset") or {}
        fingerprint = dataset.get("fingerprint") or (r.config.get("task") or {}).get("data")
        if fingerprint:  # an MTEB task's: the hub dataset at the commit mteb pins
            data.setdefault(r.dataset_name, _short(fingerprint))
    out = []
    if models:
        out.append("models: " + "; ".join(f"{k} {v}" for k, v in models.items()))
    if data:
        out.append("data: " + "; ".join(f"{k} {v}" for k, v in data.items()))
    return out


def _short(fingerprint: str) -> str:
    """'dir:<sha256>' -> 'dir:1a2b3c4d5e6f'; 'hub:org/name@<commit>' -> 'hub:org/name@1a2b3c4d5e6f'
    (the commit its revision resolved to; older records hold the revision name, kept whole)."""
    kind, _, rest = fingerprint.partition(":")
    if kind == "hub":
        repo, at, commit = rest.rpartition("@")
        return f"hub:{repo}@{commit[:12]}" if at and len(commit) == 40 else fingerprint
    return f"{kind}:{rest[:12]}" if kind in ("dir", "files") else fingerprint


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
                     + (_span_fit(f["spans"]) if f.get("spans") else
                        f"truncated {f['truncated_share']:.1%} at {f['max_length']}; ")
                     + f"[UNK] {f['unk_rate']:.2%}")
        lines += [f"- warning: {r.model_name} × {r.dataset_name}: {w}" for w in f.get("warnings", [])]
    return lines


def _span_fit(spans: dict) -> str:
    """A span task's test split: gold spans the tokenizer cannot express, windows per question."""
    f = spans["splits"].get("test") or next(iter(spans["splits"].values()))
    if "answers" in f:
        return (f"test: {f['inexpressible_answers']} of {f['answers']} gold answers "
                f"({f['inexpressible_share']:.1%}) inside a token, {f['windows']} windows for "
                f"{f['questions']} questions; ")
    unit = "token" if f["label_all_tokens"] else "word"
    return (f"test: {f['inexpressible_entities']} of {f['entities']} entities "
            f"({f['inexpressible_share']:.1%}) inside a {unit}, {f['entities_cut']} cut at "
            "max_length; ")
