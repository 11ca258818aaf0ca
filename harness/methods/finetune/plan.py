"""Fine-tune trials: model × dataset × configuration × lr scheduler × seed.

A configuration is one combination of the training grid's values (harness.specs.training:
lists in `training:` or the model's `training:`), or one point a search proposed (`plan.points`,
harness.search). Lists are expanded into scalar settings before any key material is built, so a
suite that gives one value per field has exactly the keys it had before grids existed.

Key material: the method entry, the model's and dataset's material (harness.methods.base),
the resolved training settings of this configuration with this trial's scheduler and its
kwargs, the seed and the versions of torch, transformers, datasets, accelerate and scikit-learn.
"""

from __future__ import annotations

from harness.fingerprint import package_versions
from harness.methods.base import PlanInputs
from harness.methods.finetune.spec import FinetuneMethod
from harness.specs.dataset import DatasetSpec
from harness.specs.model import ModelSpec
from harness.specs.training import TrainingSpec
from harness.trial import KEY_VERSION, Trial, configuration_slug, safe_name, trial_key

# Fields that do not change a trial's result; everything else in TrainingSpec does.
TRAINING_NOT_IN_KEY = {"lr_scheduler_type", "lr_scheduler_kwargs", "logging_steps", "save_model"}


def training_material(training: TrainingSpec, main_metric: str) -> dict:
    """Scalar training settings that change a result (metric_for_best_model resolved)."""
    material = training.model_dump(mode="json", exclude=TRAINING_NOT_IN_KEY)
    if training.load_best_model_at_end and not material["metric_for_best_model"]:
        material["metric_for_best_model"] = main_metric
    return material


def configurations(model: ModelSpec, dataset: DatasetSpec, scheduler: str,
                   plan: PlanInputs) -> list[tuple[dict, TrainingSpec]]:
    """(values, scalar settings) of each configuration this model × dataset × scheduler runs."""
    training = plan.suite.training.for_model(model.training)
    if getattr(plan.suite, "search", None) is None:
        return training.configurations()
    points = plan.points.get((model.display_name, dataset.name, scheduler), [])
    return [(values, training.with_values(values)) for values in points]


def finetune_trials(spec: FinetuneMethod, model: ModelSpec, dataset: DatasetSpec,
                    plan: PlanInputs) -> list[Trial]:
    suite, packages = plan.suite, package_versions()
    model_material, data = plan.model_material(model), plan.dataset_material(dataset)
    trials = []
    for scheduler in suite.training.lr_scheduler_type:
        kwargs = suite.training.lr_scheduler_kwargs.get(scheduler, {})
        for values, training in configurations(model, dataset, scheduler, plan):
            material_training = training_material(training, plan.main_metric(dataset))
            for seed in suite.seeds:
                material = {
                    "key_version": KEY_VERSION, "method": spec.model_dump(mode="json"),
                    "model": model_material, "dataset": data,
                    "training": {**material_training, "lr_scheduler_type": scheduler,
                                 "lr_scheduler_kwargs": kwargs},
                    "seed": seed, "packages": packages,
                }
                key = trial_key(material)
                parts = [model.display_name, dataset.name, spec.type, scheduler]
                parts += [configuration_slug(values)] if values else []
                slug = "__".join(safe_name(p) for p in (*parts, f"s{seed}"))
                trials.append(Trial(key, f"{slug}__{key[:12]}", spec.type, dataset, model,
                                    scheduler, seed, material, method_spec=spec,
                                    training=training, configuration=values))
    return trials
