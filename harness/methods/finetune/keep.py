"""The fine-tune keeps its trained model for the runtimes (harness.runtimes): saved right after
training into the export cache under the training trial's key, whenever the model lists a
runtime other than torch, whatever save_model says; its runtime trials export from there."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from harness.methods.context import TrialContext
from harness.runtimes import cache
from harness.runtimes.catalog import non_reference
from harness.trial import Trial


def keep_for_runtimes(trial: Trial, ctx: TrialContext, trainer, tokenizer) -> Path | None:
    """Save the trained model and tokenizer to the export cache under the training trial's key
    when the model lists a runtime other than torch (whatever save_model says); None else."""
    if not non_reference(ctx.suite.runtimes_for(trial.model)):
        return None
    folder = cache.source_dir(ctx.store.root, trial.key)
    tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    trainer.save_model(str(tmp))
    tokenizer.save_pretrained(str(tmp))
    cache.mark_complete(tmp)
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    return folder
