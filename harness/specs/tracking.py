"""`tracking:` entries: experiment trackers every trial reports to (harness/trackers/).

Never part of a trial key: where results are also sent does not change them. Defaults that name
places under the results dir are filled in when a run knows its results dir (`with_defaults`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import Field

from harness.specs.base import Strict

TRACKING_DIR = "tracking"  # under the results dir: default home of every tracker's files


class TensorBoardSpec(Strict):
    """TensorBoard event files: <log_dir>/<run id>/<trial id>/ (the Trainer's curves, then the
    trial's final metrics and settings)."""

    type: Literal["tensorboard"] = "tensorboard"
    log_dir: str | None = Field(
        None, description="Folder of the event files (relative to the suite file). "
                          "Default: <results dir>/tracking/tensorboard.")


class MlflowSpec(Strict):
    """MLflow: one run per trial in one experiment, tagged with the suite run."""

    type: Literal["mlflow"] = "mlflow"
    tracking_uri: str | None = Field(
        None, description="sqlite:///PATH, http(s)://HOST:PORT or file:PATH. Default: "
                          "sqlite:///<results dir>/tracking/mlflow.db (MLflow's own default "
                          "would write mlflow.db into the working directory).")
    experiment: str | None = Field(None, description="Experiment name. Default: the suite name.")


class WandbSpec(Strict):
    """Weights & Biases: one run per trial, grouped by the suite run. Offline unless `mode:
    online` (then WANDB_API_KEY or `wandb login` must be set up); `wandb sync DIR` uploads later."""

    type: Literal["wandb"] = "wandb"
    project: str | None = Field(None, description="W&B project. Default: the suite name.")
    entity: str | None = Field(None, description="W&B entity (team or user); online only.")
    dir: str | None = Field(
        None, description="Folder W&B writes its run folders into (as <dir>/wandb/...; relative "
                          "to the suite file). Default: <results dir>/tracking.")
    mode: Literal["offline", "online"] = Field(
        "offline", description="offline (default): nothing leaves the machine.")


TrackerSpec = Annotated[Union[TensorBoardSpec, MlflowSpec, WandbSpec], Field(discriminator="type")]
TRACKER_TAGS = frozenset({"tensorboard", "mlflow", "wandb"})


def shorthand(value):
    """`tracking: [tensorboard, mlflow]` means `[{type: tensorboard}, {type: mlflow}]`."""
    items = [value] if isinstance(value, (str, dict)) else value
    return [{"type": t} if isinstance(t, str) else t for t in items] if isinstance(items, list) \
        else value


def with_defaults(tracking: list, results_root: Path, suite_name: str) -> list:
    """The entries with every default that depends on the run filled in (absolute paths)."""
    base = results_root.resolve() / TRACKING_DIR
    out = []
    for spec in tracking:
        if isinstance(spec, TensorBoardSpec):
            spec = spec.model_copy(update={"log_dir": spec.log_dir or str(base / "tensorboard")})
        elif isinstance(spec, MlflowSpec):
            spec = spec.model_copy(update={
                "tracking_uri": spec.tracking_uri or f"sqlite:///{base / 'mlflow.db'}",
                "experiment": spec.experiment or suite_name})
        elif isinstance(spec, WandbSpec):
            spec = spec.model_copy(update={"project": spec.project or suite_name,
                                           "dir": spec.dir or str(base)})
        out.append(spec)
    return out
