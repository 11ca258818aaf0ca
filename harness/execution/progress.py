"""One progress view of the whole grid, whatever the executor: done / running / failed /
remaining and an ETA, as one line after every event.

ETA: the estimated seconds of the trials not finished (harness.execution.scheduling, refined by
what finished in this run: each estimate is scaled by measured ÷ estimated of the finished
ones), spread over the slots: Σ remaining / slots, never less than the longest one left.
"""

from __future__ import annotations

import time


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    return f"{h}h{rest // 60:02d}m" if h else f"{rest // 60}m{rest % 60:02d}s"


class Progress:
    def __init__(self, total: int, cost: dict[str, float], slots: int, echo=print):
        self.total, self.cost, self.slots, self.echo = total, dict(cost), max(1, slots), echo
        self.done = self.failed = self.interrupted = 0
        self.running: dict[str, float] = {}  # id -> start time
        self.finished: set[str] = set()
        self.measured = self.estimated = 0.0
        self.t0 = time.monotonic()

    def skip(self, trial_id: str) -> None:
        self.finished.add(trial_id)
        self.done += 1

    def start(self, trial_id: str) -> None:
        self.running[trial_id] = time.monotonic()

    def finish(self, trial_id: str, ok: bool, seconds: float | None = None,
               interrupted: bool = False) -> None:
        started = self.running.pop(trial_id, None)
        if seconds is None and started is not None:
            seconds = time.monotonic() - started
        if seconds and self.cost.get(trial_id):
            self.measured += seconds
            self.estimated += self.cost[trial_id]
        self.finished.add(trial_id)
        if ok:
            self.done += 1
        elif interrupted:
            self.interrupted += 1
        else:
            self.failed += 1

    def eta_s(self) -> float | None:
        if not self.estimated:
            return None
        scale = self.measured / self.estimated
        now = time.monotonic()
        left = [self.cost.get(t, 0.0) * scale - (now - s) for t, s in self.running.items()]
        left += [c * scale for t, c in self.cost.items()
                 if t not in self.finished and t not in self.running]
        left = [max(0.0, x) for x in left]
        return max(sum(left) / self.slots, max(left, default=0.0))

    def line(self) -> str:
        remaining = self.total - self.done - self.failed - self.interrupted - len(self.running)
        eta = self.eta_s()
        stopped = f"{self.interrupted} interrupted · " if self.interrupted else ""
        return (f"progress: {self.done} done · {len(self.running)} running · {self.failed} failed · "
                f"{stopped}"
                f"{remaining} remaining · {_clock(time.monotonic() - self.t0)} elapsed"
                + (f" · ETA {_clock(eta)}" if eta is not None else ""))

    def show(self) -> None:
        self.echo(f"harness: {self.line()}")
