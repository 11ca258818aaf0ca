"""probe: the encoder stays frozen; pooled hidden states of each split are the features of a
light scikit-learn classifier, one trial per pooling × classifier × seed.

spec.py (suite entry) · plan.py (trials, keys) · checks.py (pooler weights, layer) · run.py ·
extract.py (batched features in row order) · pooling.py · classifiers.py ·
runtime_features.py (features through ONNX Runtime, OpenVINO or bf16: the runtime trials);
features are cached on disk by harness.models.embedding_cache (shared with mteb retrieval).
"""

from __future__ import annotations

from harness.methods.base import Method, MethodOutcome
from harness.methods.probe.checks import check_probe
from harness.methods.probe.classifiers import CLASSIFIERS
from harness.methods.probe.plan import probe_trials
from harness.methods.probe.spec import ProbeMethod
from harness.runtimes.catalog import runtime_label


class Probe(Method):
    name = "probe"
    task_types = frozenset({"classification", "regression"})
    spec = ProbeMethod
    union_tags = frozenset(CLASSIFIERS)
    runtimes = True  # the evaluated splits' features through each runtime (runtime_features.py)

    def model_dataset_trials(self, spec, model, dataset, plan):
        return probe_trials(spec, model, dataset, plan)

    def check(self, spec, index, suite_file):
        return check_probe(spec, index, suite_file)

    def run(self, trial, ctx) -> MethodOutcome:
        from harness.methods.probe.run import run  # torch: trial time only

        return run(trial, ctx)

    def grid_fields(self, spec) -> list[str]:
        return [f"classifiers.{i}.{name}" for i, c in enumerate(spec.classifiers) for name in c.grid()]

    def row_label(self, record) -> str:
        """Each pooling × classifier is a leaderboard row of its own beside the fine-tunes; the
        values of a C grid are its configurations (the report says which was selected)."""
        if record.embedding is None:
            return runtime_label(record.method, record)
        classifier = record.embedding.classifier
        material = (record.config.get("method") or {}).get("classifier")
        if record.embedding.task_type == "regression" and record.configuration:
            classifier = classifier.split(" ")[0]  # ridge: its alpha follows the grid's C
        elif isinstance(material, dict) and material.get("name") in CLASSIFIERS:
            spec = CLASSIFIERS[material["name"]].model_validate(material)
            classifier = spec.label_without(record.configuration)
        return runtime_label(f"{record.method} ({record.embedding.pooling}, {classifier})", record)


METHOD = Probe()
