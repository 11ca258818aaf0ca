"""finetune: full fine-tuning with AutoModelForSequenceClassification + Trainer.

spec.py (suite entry) · plan.py (trials, keys) · run.py (one trial, in named steps) ·
callbacks.py (Ctrl-C, NaN/inf, fault injection) · speed helpers: tokenize_cache.py,
length_sampler.py, eval_order.py, throughput.py, peak_flops.py, speedups.py.
"""

from __future__ import annotations

from harness.methods.base import Method, MethodOutcome
from harness.methods.finetune.plan import finetune_trials
from harness.methods.finetune.spec import FinetuneMethod
from harness.runtimes.catalog import runtime_label


class Finetune(Method):
    name = "finetune"
    spec = FinetuneMethod
    default = True
    trains = True
    runtimes = True

    def model_dataset_trials(self, spec, model, dataset, plan):
        return finetune_trials(spec, model, dataset, plan)

    def training_passes(self, epochs: float) -> float:
        return epochs

    def run(self, trial, ctx) -> MethodOutcome:
        if trial.runtime:  # the trained model again, through ONNX Runtime, OpenVINO or bf16
            from harness.methods.finetune.runtime_run import run_runtime

            return run_runtime(trial, ctx)
        from harness.methods.finetune.run import run  # torch and transformers: trial time only

        return run(trial, ctx)

    def row_label(self, record) -> str:
        """A runtime trial is a row of its own beside the fine-tune's: `finetune [onnx-int8]`."""
        return runtime_label(record.method, record)


METHOD = Finetune()
