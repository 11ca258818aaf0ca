"""Which trial goes first: longest estimated first (LPT), and what makespan that gives.

Estimate of a trial, before anything ran: parameters × training tokens × epochs, read without
torch (the model dir's config.json, the data files' sizes as a token proxy). Once the results
dir holds records, estimates are refined: a trial whose (model, dataset, method) already ran
takes the mean measured wall time of those records; every other trial's raw estimate is
converted to seconds with the median seconds-per-unit of the records that exist.

`simulate` replays list scheduling (each trial to the first free slot, in the given order), the
policy every executor follows, so a plan's makespan can be predicted from measured costs
(docs/scaling.md) and checked against the ideal max(Σ/slots, longest).
"""

from __future__ import annotations

import heapq
import os
import statistics
from collections import defaultdict
from pathlib import Path

from harness.methods.registry import METHODS
from harness.readable import read_json

DEFAULT_PARAMS = 110e6  # a BERT-base, when a hub model's config is not on this machine
DEFAULT_TOKENS = 1e6


def model_params(spec) -> float:
    """Approximate parameters from config.json: 12·L·H² (encoder) + V·H (embeddings)."""
    from harness.errors import HarnessError
    from harness.fingerprint import model_dir

    try:  # an estimate only: validation reports a missing model, not this
        local = model_dir(spec)
        cfg = read_json(Path(local) / "config.json", dict) if local else {}
    except (OSError, ValueError, TypeError, HarnessError):
        cfg = {}
    h, layers, vocab = cfg.get("hidden_size"), cfg.get("num_hidden_layers"), cfg.get("vocab_size")
    if not (h and layers and vocab):
        return DEFAULT_PARAMS
    return 12.0 * layers * h * h + vocab * h


def data_tokens(dataset) -> float:
    """Training tokens, proxied by the train file's bytes / 4 (hub data: a default)."""
    files = getattr(dataset, "files", None) or {}  # mteb trials carry a task spec instead
    try:
        size = os.path.getsize(files["train"]) if "train" in files else 0
    except OSError:
        size = 0
    rows_cap = getattr(dataset, "max_train_samples", None)
    tokens = size / 4 if size else DEFAULT_TOKENS
    return min(tokens, rows_cap * 64) if rows_cap else tokens


def raw_estimate(trial, suite) -> float:
    """Work units of a trial: params × tokens × epochs (majority baselines: 0, they take a
    second; counting them would put seconds and work units on one scale)."""
    if trial.model is None:
        return 0.0
    training = trial.training or suite.training.configurations()[0][1]
    epochs = training.epochs if training.max_steps is None else \
        training.max_steps * training.batch_size * training.gradient_accumulation_steps \
        / max(1.0, data_tokens(trial.dataset) / 32)
    # a runtime trial: one pass of inference (its training happened in its source trial)
    passes = 1.0 / 3 if getattr(trial, "runtime", None) else \
        METHODS[trial.method].training_passes(epochs)
    return model_params(trial.model) * data_tokens(trial.dataset) * passes


def group(model_name, dataset_name, method, runtime=None) -> tuple:
    return (model_name, dataset_name, method, runtime)


def estimates(trials, suite, records=()) -> dict[str, float]:
    """trial_id -> estimated seconds (or raw units when no record exists yet)."""
    raw = {t.trial_id: raw_estimate(t, suite) for t in trials}
    measured: dict[tuple, list[float]] = defaultdict(list)
    rates = []
    by_id = {t.trial_id: t for t in trials}
    for r in records:
        if r.status != "ok":
            continue
        runtime = getattr(r, "runtime", None)
        measured[group(r.model_name, r.dataset_name, r.method,
                       runtime.name if runtime else None)].append(r.timing.total_wall_s)
        if r.trial_id in by_id and raw[r.trial_id] > 0:
            rates.append(r.timing.total_wall_s / raw[r.trial_id])
    rate = statistics.median(rates) if rates else 1.0
    out = {}
    for t in trials:
        seen = measured.get(group(t.model.display_name if t.model else None, t.dataset.name,
                                  t.method, getattr(t, "runtime", None)))
        out[t.trial_id] = statistics.fmean(seen) if seen else raw[t.trial_id] * rate
    return out


def longest_first(trials, cost: dict[str, float]) -> list:
    """Trials by estimated cost, longest first; ties keep plan order (stable sort)."""
    return sorted(trials, key=lambda t: -cost[t.trial_id])


def simulate(durations: list[float], slots: int) -> float:
    """Makespan of list scheduling: each job, in order, starts on the earliest free slot."""
    free = [0.0] * max(1, slots)
    heapq.heapify(free)
    end = 0.0
    for d in durations:
        start = heapq.heappop(free)
        heapq.heappush(free, start + d)
        end = max(end, start + d)
    return end


def ideal_makespan(durations: list[float], slots: int) -> float:
    """A lower bound no schedule beats: max(Σ / slots, the longest job)."""
    return max(sum(durations) / max(1, slots), max(durations, default=0.0))
