"""The loop every parallel executor shares: keep the backend's slots full in the given order,
retry an item whose worker died (bounded), stop cleanly on Ctrl-C.

A backend (harness.trials.procpool, harness.trials.raypool) has `slots`, `submit(item)`,
`wait(timeout) -> [(item, result | WorkerDied)]`, `interrupt()` (ask running items to stop
after their current step), `cancel() -> [items still running]` and `close()`.
Only this loop's caller writes results: `on_result(item, result)` for a finished item,
`on_died(item, reasons)` when its retries are spent, `on_stopped(item)` for one cancelled mid-run.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

GRACE_S = 60.0  # after Ctrl-C, how long running trials get to reach a step boundary


class WorkerDied(RuntimeError):
    """The worker process or node ended without returning a result."""


@dataclass
class Item:
    id: str
    payload: object
    cost: float = 1.0
    resources: dict = field(default_factory=dict)
    deaths: list[str] = field(default_factory=list)


def dispatch(items, backend, *, retries: int, stop, on_result, on_died, on_stopped,
             on_start=lambda item: None, poll_s: float = 0.5) -> list:
    """Run items in order; return the items never started (Ctrl-C)."""
    queue = deque(items)
    running = 0
    # the caller closes the backend (it may dispatch several rounds on it)
    while (queue or running) and not stop.requested:
        while queue and running < backend.slots and not stop.requested:
            item = queue.popleft()
            backend.submit(item)
            running += 1
            on_start(item)
        for item, result in backend.wait(poll_s):
            running -= 1
            if isinstance(result, WorkerDied):
                item.deaths.append(str(result))
                if len(item.deaths) <= retries:
                    queue.appendleft(item)  # first again: it was the longest waiting
                else:
                    on_died(item)
                continue
            on_result(item, result)
    if stop.requested and running:
        backend.interrupt()
        deadline = time.monotonic() + GRACE_S
        while running and time.monotonic() < deadline:
            for item, result in backend.wait(poll_s):
                running -= 1
                if isinstance(result, WorkerDied):
                    on_stopped(item)
                else:
                    on_result(item, result)
        for item in backend.cancel():
            on_stopped(item)
    return list(queue)
