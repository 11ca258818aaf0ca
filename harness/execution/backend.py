"""Where parallel trials run: the Backend contract and the loop every parallel executor shares
(keep the backend's slots full in the given order, retry an item whose worker died, bounded,
stop cleanly on Ctrl-C).

Backends: harness.execution.processes (local --jobs) and harness.execution.ray.backend (Ray);
a new one is a class with Backend's members and a function in harness.execution.executors.
Only this loop's caller writes results: `on_result(item, result)` for a finished item,
`on_died(item)` when its retries are spent, `on_stopped(item)` for one cancelled mid-run.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Protocol

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


class Backend(Protocol):
    """Runs items (a worker.TrialJob each) somewhere else and hands back what they returned."""

    name: str  # shown in progress lines: "(on local)", "(on ray)"
    slots: int  # items it runs at once

    def submit(self, item: Item) -> None:
        """Start the item on a free slot."""

    def wait(self, timeout: float) -> list[tuple[Item, dict | WorkerDied]]:
        """Items that ended within `timeout` s, each with its result or how its worker died."""

    def interrupt(self) -> None:
        """Ask running items to stop after their current step (they return interrupted)."""

    def cancel(self) -> list[Item]:
        """Kill what still runs; return those items so the driver can record them."""

    def close(self) -> None:
        """Cancel what runs and release the workers."""


def dispatch(items: list[Item], backend: Backend, *, retries: int, stop,
             on_result: Callable[[Item, dict], None], on_died: Callable[[Item], None],
             on_stopped: Callable[[Item], None], on_start: Callable[[Item], None] = lambda item: None,
             poll_s: float = 0.5) -> list[Item]:
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
