"""Weights & Biases: one run per trial (name = trial id, group = suite run, tags
`model:…`, `dataset:…`, `method:…`, `scheduler:…`, `seed:…`), offline unless the suite says
`mode: online`.

The run is started before the trial, so the Trainer's WandbCallback logs a fine-tune's curves
into it. That callback overwrites config keys with TrainingArguments' (`seed`, ...), so the
harness's own settings live under config `harness`. Final metrics (`<split>/<metric>`) go into
the run's summary. W&B falls back to /tmp/wandb without a word when its dir is not writable:
that counts as a failure here. `wandb.teardown()` after every run stops the wandb-core process,
which outlives `finish()` (and only then is the offline run file complete).
"""

from __future__ import annotations

from pathlib import Path

from harness.trackers.facts import final_metrics, trial_facts


class WandbTracker:
    name = integration = "wandb"

    def __init__(self, spec):
        self.spec = spec
        self.run = None

    def open(self, ident) -> str:
        import wandb

        root = Path(self.spec.dir)
        root.mkdir(parents=True, exist_ok=True)
        self.run = wandb.init(
            project=self.spec.project, entity=self.spec.entity, dir=str(root), mode=self.spec.mode,
            name=ident.name, group=ident.group, job_type=ident.tags.get("method"),
            tags=[f"{k}:{v}"[:64] for k, v in ident.tags.items()],
            config={"harness": {"trial_id": ident.name, "run_id": ident.group, "suite": ident.suite,
                                **ident.tags}},
            settings=wandb.Settings(console="off", silent=True))
        run_dir = Path(self.run.dir).resolve()
        if not run_dir.is_relative_to(root.resolve()):
            raise RuntimeError(f"W&B wrote the run to {run_dir.parent}, not under {root} "
                               "(its dir is not writable)")
        return str(run_dir.parent)

    def final(self, record, ident) -> None:
        self.run.summary.update(final_metrics(record))
        self.run.config.update({"harness": {**trial_facts(record), **ident.tags,
                                            "config": record.config}}, allow_val_change=True)

    def close(self, status: str) -> None:
        import wandb

        try:
            if self.run is not None:
                self.run.finish(exit_code=0 if status == "ok" else 1)
        finally:
            wandb.teardown()  # stops wandb-core; the offline run file is complete after it
