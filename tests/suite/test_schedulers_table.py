"""harness.suite.schedulers (checked without torch) agrees with the installed transformers."""

from __future__ import annotations

import inspect

from harness.specs.schedulers import SCHEDULERS, scheduler_problems


def test_every_transformers_scheduler_is_known():
    from transformers.trainer_utils import SchedulerType

    assert set(SCHEDULERS) == {s.value for s in SchedulerType}


def test_allowed_kwargs_match_signatures():
    from transformers.optimization import TYPE_TO_SCHEDULER_FUNCTION

    passed_by_trainer = {"optimizer", "num_warmup_steps", "num_training_steps", "last_epoch"}
    for kind, fn in TYPE_TO_SCHEDULER_FUNCTION.items():
        needs = SCHEDULERS[kind.value]
        params = inspect.signature(fn).parameters
        if any(p.kind is p.VAR_KEYWORD for p in params.values()):
            assert needs.open_kwargs, kind
            continue
        assert set(params) - passed_by_trainer == needs.allowed_kwargs, kind


def test_every_scheduler_builds_with_what_validate_accepts():
    """What validate lets through must construct in get_scheduler (and what it rejects fails)."""
    import torch
    from transformers import get_scheduler

    examples = {"cosine_with_min_lr": {"min_lr_rate": 0.1},
                "cosine_warmup_with_min_lr": {"min_lr_rate": 0.1},
                "warmup_stable_decay": {"num_decay_steps": 2}}
    for name in SCHEDULERS:
        kwargs = examples.get(name, {})
        assert scheduler_problems(name, kwargs, "epoch") == [], name
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        get_scheduler(name, opt, num_warmup_steps=1, num_training_steps=10,
                      scheduler_specific_kwargs=kwargs)
    assert scheduler_problems("cosine_with_min_lr", {}, "no")
    assert scheduler_problems("greedy", {}, "no")
    assert scheduler_problems("linear", {"power": 2}, "no")
