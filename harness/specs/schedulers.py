"""What each transformers `SchedulerType` needs, checked at validate time without importing torch.

`tests/suite/test_schedulers_table.py` compares this table with the installed transformers, so a new
scheduler or a changed signature shows up as a failing test, not as a run-time crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SchedulerNeeds:
    allowed_kwargs: frozenset[str] = frozenset()
    required_kwargs: frozenset[str] = frozenset()  # all of these
    one_of_kwargs: frozenset[str] = frozenset()  # at least one of these
    needs_eval_strategy: bool = False
    open_kwargs: bool = field(default=False)  # passes **kwargs through to torch


_MIN_LR = frozenset({"num_cycles", "min_lr", "min_lr_rate"})

SCHEDULERS: dict[str, SchedulerNeeds] = {
    "linear": SchedulerNeeds(),
    "cosine": SchedulerNeeds(frozenset({"num_cycles"})),
    "cosine_with_restarts": SchedulerNeeds(frozenset({"num_cycles"})),
    "polynomial": SchedulerNeeds(frozenset({"lr_end", "power"})),
    "constant": SchedulerNeeds(),
    "constant_with_warmup": SchedulerNeeds(),
    "inverse_sqrt": SchedulerNeeds(frozenset({"timescale"})),
    "reduce_lr_on_plateau": SchedulerNeeds(needs_eval_strategy=True, open_kwargs=True),
    "cosine_with_min_lr": SchedulerNeeds(_MIN_LR, one_of_kwargs=frozenset({"min_lr", "min_lr_rate"})),
    "cosine_warmup_with_min_lr": SchedulerNeeds(
        _MIN_LR | {"warmup_lr_rate"}, one_of_kwargs=frozenset({"min_lr", "min_lr_rate"})),
    "warmup_stable_decay": SchedulerNeeds(
        frozenset({"num_decay_steps", "num_stable_steps", "warmup_type", "decay_type",
                   "min_lr_ratio", "num_cycles"}),
        required_kwargs=frozenset({"num_decay_steps"})),
    "greedy": SchedulerNeeds(needs_eval_strategy=True, open_kwargs=True),
}


def scheduler_problems(name: str, kwargs: dict, eval_strategy: str) -> list[str]:
    """Reasons this scheduler cannot run with these kwargs and this eval strategy (empty: fine)."""
    needs = SCHEDULERS.get(name)
    if needs is None:
        return [f"unknown lr_scheduler_type {name!r}; known: {', '.join(SCHEDULERS)}"]
    problems = []
    if not needs.open_kwargs:
        unknown = sorted(set(kwargs) - needs.allowed_kwargs)
        if unknown:
            allowed = ", ".join(sorted(needs.allowed_kwargs)) or "none"
            problems.append(f"{name} does not take {', '.join(unknown)} (it takes: {allowed})")
    missing = sorted(needs.required_kwargs - set(kwargs))
    if missing:
        problems.append(f"{name} needs lr_scheduler_kwargs.{name}.{missing[0]}")
    if needs.one_of_kwargs and not needs.one_of_kwargs & set(kwargs):
        options = " or ".join(sorted(needs.one_of_kwargs))
        problems.append(f"{name} needs lr_scheduler_kwargs.{name} with {options}")
    if needs.needs_eval_strategy and eval_strategy == "no":
        problems.append(f"{name} needs training.eval_strategy 'epoch' or 'steps'")
    return problems
