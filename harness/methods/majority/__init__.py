"""majority: the learned-nothing baseline of each dataset's task type (the train split's most
frequent label, train mean or most frequent right choice) predicted everywhere, one trial per
dataset for every suite (not listed under `methods:`), so a model that learned nothing stands
out. Its rows are named by the task type (`baseline_label`).

Key material: the method name and the dataset's material (no model, no seed, no packages).
"""

from __future__ import annotations

from harness.methods.base import Method, MethodOutcome
from harness.trial import KEY_VERSION, Trial, safe_name, trial_key


class Majority(Method):
    name = "majority"
    baseline = True

    def dataset_trials(self, spec, dataset, plan):
        material = {"key_version": KEY_VERSION, "method": self.name,
                    "dataset": plan.dataset_material(dataset)}
        key = trial_key(material)
        return [Trial(key, f"{self.name}__{safe_name(dataset.name)}__{key[:12]}", self.name,
                      dataset, key_material=material)]

    def row_label(self, record) -> str:
        from harness.tasks.registry import task_type

        return task_type(record.task_type).baseline_label

    def row_labels(self) -> set[str]:
        from harness.tasks.registry import TASKS

        return {t.baseline_label for t in TASKS.values()}

    def run(self, trial, ctx) -> MethodOutcome:
        from harness.methods.majority.run import run

        return run(trial, ctx)


METHOD = Majority()
