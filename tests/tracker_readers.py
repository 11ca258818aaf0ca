"""Read back what the trackers wrote, with each library's own reader (tests and the must-show
script share these): TensorBoard's EventAccumulator, MlflowClient, W&B's run file records."""

from __future__ import annotations

import json
import struct
from pathlib import Path


def tensorboard_scalars(run_dir: Path) -> dict[str, list[tuple[int, float]]]:
    """tag -> [(step, value)] over every event file in the folder."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(run_dir), size_guidance={"scalars": 0, "tensors": 0})
    acc.Reload()
    return {tag: [(e.step, e.value) for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}


def mlflow_runs(uri: str, experiment: str) -> dict[str, object]:
    """run name -> mlflow Run (data.metrics: latest values, data.params, data.tags, info)."""
    from mlflow.tracking import MlflowClient

    client = MlflowClient(uri)
    exp = client.get_experiment_by_name(experiment)
    return {r.info.run_name: r for r in client.search_runs([exp.experiment_id], max_results=1000)}


def mlflow_history(uri: str, run_id: str, key: str) -> list[tuple[int, float]]:
    from mlflow.tracking import MlflowClient

    return [(m.step, m.value) for m in MlflowClient(uri).get_metric_history(run_id, key)]


def wandb_records(path: Path):
    """wandb_internal_pb2.Record messages of an offline run's .wandb file: `:W&B` + 3 header
    bytes, then LevelDB-log chunks (crc u32, length u16, type u8) in 32 KiB blocks."""
    from wandb.proto import wandb_internal_pb2 as pb

    data = Path(path).read_bytes()
    assert data[:4] == b":W&B", f"{path} is not a .wandb file"
    pos, block, buf = 7, 32768, b""
    while pos + 7 <= len(data):
        left = block - pos % block
        if left < 7:
            pos += left
            continue
        _crc, length, kind = struct.unpack("<IHB", data[pos:pos + 7])
        if kind == 0 and length == 0:
            pos += left
            continue
        chunk = data[pos + 7:pos + 7 + length]
        pos += 7 + length
        buf = chunk if kind in (1, 2) else buf + chunk
        if kind in (1, 4):
            record = pb.Record()
            record.ParseFromString(buf)
            yield record
            buf = b""


def wandb_run(run_folder: Path) -> dict:
    """An offline run folder read back: name, group, project, tags, config, summary and the
    history of every key as [(step, value)]."""
    file = next(Path(run_folder).glob("*.wandb"))
    out = {"name": None, "group": None, "project": None, "tags": [], "config": {}, "summary": {},
           "history": {}, "exit_code": None}
    for r in wandb_records(file):
        kind = r.WhichOneof("record_type")
        if kind == "run":
            out.update(name=r.run.display_name, group=r.run.run_group, project=r.run.project,
                       tags=list(r.run.tags))
            for item in r.run.config.update:
                out["config"][item.key] = json.loads(item.value_json)
        elif kind == "config":
            for item in r.config.update:
                out["config"][item.key] = json.loads(item.value_json)
        elif kind == "history":
            row = {(i.key or "/".join(i.nested_key)): json.loads(i.value_json) for i in r.history.item}
            step = row.get("train/global_step", row.get("_step"))
            for k, v in row.items():
                if not k.startswith("_"):
                    out["history"].setdefault(k, []).append((step, v))
        elif kind == "summary":
            for item in r.summary.update:
                out["summary"][item.key or "/".join(item.nested_key)] = json.loads(item.value_json)
        elif kind == "exit":
            out["exit_code"] = r.exit.exit_code
    return out
