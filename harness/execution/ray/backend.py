"""`--executor ray`: each trial a Ray task asking for the suite's `resources` (per model
overridable); Ray places it, pins its GPUs (CUDA_VISIBLE_DEVICES) and limits its threads.

Without --address a local Ray instance is started (and shut down at the end); with one, the
driver joins that cluster (`auto`, `ray://host:port`). A process that already called ray.init()
is reused as it is. The driver keeps at most as many tasks submitted as the cluster could run at
once, so tasks start in the driver's longest-first order and `running` in the progress view means
running. A task whose worker or node dies comes back as WorkerDied and is retried by the
dispatcher (Ray's own task retries are off, so every retry is counted and bounded).
"""

from __future__ import annotations

import math
import os

from harness.execution.backend import WorkerDied

SHIP_LIMIT = 100 * 2**20  # data files up to this size travel through Ray's object store


def trial_resources(suite, model, cluster_gpus: float) -> dict:
    base = suite.resources
    override = model.resources if model is not None and model.resources is not None else None
    fields = base.model_dump()
    if override is not None:
        fields.update({k: getattr(override, k) for k in override.model_fields_set})
    gpus = fields["gpus"]
    if gpus is None:
        gpus = 1.0 if cluster_gpus and model is not None else 0.0
    if model is None:  # majority baselines: no model, no GPU
        gpus = 0.0
    return {"num_cpus": float(fields["cpus"]), "num_gpus": float(gpus)}


def concurrent_bound(requests: list[dict], totals: dict) -> int:
    """How many tasks the cluster could run at once, at most (the most modest request's)."""
    best = 1
    for r in requests:
        fits = [math.floor(totals.get(kind, 0.0) / need + 1e-9)
                for kind, need in (("CPU", r["num_cpus"]), ("GPU", r["num_gpus"])) if need > 0]
        best = max(best, min(fits) if fits else 1)
    return best


def _remote_trial(fn, job):
    return fn(job)


class RayBackend:
    name = "ray"

    def __init__(self, suite, *, address=None, fn=None, echo=print, init_options=None):
        try:
            import ray
        except ImportError:
            from harness.errors import HarnessError

            raise HarnessError("needs Ray: pip install 'harness[ray]'", field="--executor ray") from None
        from harness.execution.worker import run_trial_job

        self.ray = ray
        self.started = not ray.is_initialized()
        if self.started:
            ray.init(address=address, include_dashboard=False, log_to_driver=False,
                     configure_logging=False, **(init_options or {}))
        self.suite, self.fn = suite, fn or run_trial_job
        self.totals = ray.cluster_resources()
        self.remote = ray.remote(_remote_trial)
        self.fn_ref = ray.put(self.fn)
        self.live: dict = {}  # ObjectRef -> item
        self.slots = 1
        echo(f"harness: ray executor: cluster {self._describe()}"
             + ("" if not self.started else " (started locally)" if address is None
                else f" (joined {address})"))

    def _describe(self) -> str:
        return ", ".join(f"{self.totals.get(k, 0):g} {k}" for k in ("CPU", "GPU"))

    def job_options(self, trials) -> dict:
        """Small local data files go through the object store (each node writes its own copy)."""
        paths = {p for t in trials if t.dataset.files for p in t.dataset.files.values()}
        shipped = {p: self.ray.put(open(p, "rb").read()) for p in sorted(paths)
                   if os.path.isfile(p) and os.path.getsize(p) <= SHIP_LIMIT}
        requests = [self.resources_for(t) for t in trials]
        self.slots = concurrent_bound(requests, self.totals)
        return {"shipped": shipped}

    def resources_for(self, trial) -> dict:
        return trial_resources(self.suite, trial.model, self.totals.get("GPU", 0.0))

    def submit(self, item) -> None:
        job = item.payload
        request = item.resources or self.resources_for(job.trial)
        if hasattr(job, "threads"):
            job.threads = max(1, int(request["num_cpus"]))
        ref = self.remote.options(max_retries=0, retry_exceptions=False,
                                  name=f"harness:{item.id}"[:100], **request).remote(self.fn_ref, job)
        self.live[ref] = item

    def wait(self, timeout: float) -> list[tuple]:
        if not self.live:
            return []
        ready, rest = self.ray.wait(list(self.live), num_returns=1, timeout=timeout)
        if ready and rest:  # and whatever else finished meanwhile
            ready += self.ray.wait(rest, num_returns=len(rest), timeout=0)[0]
        out = []
        for ref in ready:
            item = self.live.pop(ref)
            try:
                result = self.ray.get(ref)
            except self.ray.exceptions.RayTaskError as e:  # raised inside our code on the worker
                result = WorkerDied(f"task raised {type(e.cause).__name__}: "
                                    f"{str(e.cause).strip().splitlines()[:1]}")
            except self.ray.exceptions.RayError as e:  # worker or node died, task cancelled
                first = (str(e).strip().splitlines() or [""])[0][:300]
                result = WorkerDied(f"Ray {type(e).__name__}: {first}")
            out.append((item, result))
        return out

    def interrupt(self) -> None:
        for ref in self.live:
            self.ray.cancel(ref, force=False)  # KeyboardInterrupt in the task: it stops and returns

    def cancel(self) -> list:
        items = []
        for ref, item in self.live.items():
            self.ray.cancel(ref, force=True)
            items.append(item)
        self.live.clear()
        return items

    def close(self) -> None:
        self.cancel()
        if self.started and self.ray.is_initialized():
            self.ray.shutdown()
