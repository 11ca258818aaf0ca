"""`harness run`'s executor flags, checked (exit 2 with the flag named) and turned into options."""

from __future__ import annotations

from harness.errors import HarnessError


def default_jobs() -> int:
    """One worker per visible GPU when there are GPUs, else 1 (sequential, in-process)."""
    from harness.execution.processes import visible_gpus

    return max(1, len(visible_gpus()))


def executor_options(args) -> dict:
    if args.jobs is not None and args.jobs < 1:
        raise HarnessError(f"must be >= 1, got {args.jobs}", field="--jobs")
    if args.retries is not None and args.retries < 0:
        raise HarnessError(f"must be >= 0, got {args.retries}", field="--retries")
    if args.executor == "local":
        if args.address:
            raise HarnessError("applies to --executor ray only", field="--address")
        return {"jobs": args.jobs if args.jobs is not None else default_jobs(),
                "retries": args.retries}
    if args.jobs is not None:
        raise HarnessError("applies to --executor local only (Ray runs as many trials as the "
                           "cluster's resources allow; see the suite's resources:)", field="--jobs")
    return {"address": args.address, "retries": args.retries}
