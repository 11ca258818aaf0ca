"""TensorBoard: event files under <log_dir>/<suite run id>/<trial id>/.

The Trainer's TensorBoardCallback writes a fine-tune's curves there (it reads
TENSORBOARD_LOGGING_DIR when the Trainer is built, so the variable is set while the trial runs);
the final metrics (`<split>/<metric>`, at the last training step) and the trial's settings as
text go into a second event file of the same folder through torch's SummaryWriter.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from harness.trackers.facts import final_metrics, last_step, trial_facts

ENV = "TENSORBOARD_LOGGING_DIR"


class TensorBoardTracker:
    name = integration = "tensorboard"

    def __init__(self, spec):
        self.root = Path(spec.log_dir)
        self.dir: Path | None = None
        self._saved: str | None = None

    def open(self, ident) -> str:
        from torch.utils.tensorboard import SummaryWriter  # noqa: F401  (raises without tensorboard)

        self.dir = self.root / ident.group / ident.name
        self._saved = os.environ.get(ENV)
        os.environ[ENV] = str(self.dir)
        return str(self.dir)

    def final(self, record, ident) -> None:
        from torch.utils.tensorboard import SummaryWriter

        writer = SummaryWriter(log_dir=str(self.dir))
        try:
            step = last_step(record)
            for name, value in final_metrics(record).items():
                writer.add_scalar(name, value, step)
            facts = {**trial_facts(record), **ident.tags}
            writer.add_text("harness/trial", "\n".join(f"- {k}: `{v}`" for k, v in facts.items()),
                            step)
            writer.add_text("harness/config",
                            "```\n" + json.dumps(record.config, indent=2, sort_keys=True) + "\n```",
                            step)
        finally:
            writer.close()

    def close(self, status: str) -> None:
        if self._saved is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = self._saved
