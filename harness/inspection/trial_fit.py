"""The tokenizer-fit facts of a trial's model × dataset, computed once per run and stored in
each trial record (`TrialRecord.tokenizer_fit`), so reports and model cards show them."""

from __future__ import annotations

from harness.inspection.tokenizer_fit import tokenizer_fit
from harness.specs.dataset import DatasetSpec


def trial_tokenizer_fit(trial, ctx) -> dict | None:
    if trial.model is None or not isinstance(trial.dataset, DatasetSpec):
        return None  # baselines have no tokenizer; MTEB tasks are not suite datasets
    from harness.models.load import load_tokenizer

    spec = trial.model

    def make():
        tokenizer = load_tokenizer(spec, ctx)  # the same cached tokenizer the fine-tune uses
        data = ctx.prepared(trial.dataset)
        return tokenizer_fit(tokenizer, data.splits, length, task=data.task, info=data.info)

    length = trial.dataset.max_length_for(spec)
    return ctx.cached(("tokenizer_fit", spec.display_name, trial.dataset.name, length), make)
