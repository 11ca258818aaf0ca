"""Fine-tune trials: model × dataset × lr scheduler × seed.

Key material: the method entry, the model's and dataset's material (harness.methods.base),
the resolved training settings with this trial's scheduler and its kwargs, the seed and the
versions of torch, transformers, datasets, accelerate and scikit-learn.
"""

from __future__ import annotations

from harness.fingerprint import package_versions
from harness.methods.base import PlanInputs
from harness.methods.finetune.spec import FinetuneMethod
from harness.specs.dataset import DatasetSpec
from harness.specs.model import ModelSpec
from harness.trial import KEY_VERSION, Trial, safe_name, trial_key

# Fields that do not change a trial's result; everything else in TrainingSpec does.
TRAINING_NOT_IN_KEY = {"lr_scheduler_type", "lr_scheduler_kwargs", "logging_steps", "save_model"}


def training_material(plan: PlanInputs) -> dict:
    """The suite's training settings that change a result (metric_for_best_model resolved)."""
    suite = plan.suite
    training = suite.training.model_dump(mode="json", exclude=TRAINING_NOT_IN_KEY)
    if suite.training.load_best_model_at_end and not training["metric_for_best_model"]:
        training["metric_for_best_model"] = suite.main
    return training


def finetune_trials(spec: FinetuneMethod, model: ModelSpec, dataset: DatasetSpec,
                    plan: PlanInputs) -> list[Trial]:
    suite, packages = plan.suite, package_versions()
    training, model_material = training_material(plan), plan.model_material(model)
    data = plan.dataset_material(dataset)
    trials = []
    for scheduler in suite.training.lr_scheduler_type:
        kwargs = suite.training.lr_scheduler_kwargs.get(scheduler, {})
        for seed in suite.seeds:
            material = {
                "key_version": KEY_VERSION, "method": spec.model_dump(mode="json"),
                "model": model_material, "dataset": data,
                "training": {**training, "lr_scheduler_type": scheduler,
                             "lr_scheduler_kwargs": kwargs},
                "seed": seed, "packages": packages,
            }
            key = trial_key(material)
            slug = "__".join(safe_name(p) for p in (
                model.display_name, dataset.name, spec.type, scheduler, f"s{seed}"))
            trials.append(Trial(key, f"{slug}__{key[:12]}", spec.type, dataset, model, scheduler,
                                seed, material, method_spec=spec))
    return trials
