"""Per-trial claims: two runs on one results dir never run the same trial.

A run owns a trial while `claims/<trial_id>.claim` exists and names it (pid, host, process start
time, run id). The file is created atomically with its content (written to a temp file, then
`os.link`ed to the claim name, which fails if the name exists), so a claim is never half-written.
A claim is stale, and is taken over, when its process is gone: on the same host, its pid is not
alive or belongs to a later process; on another host, the holder stopped refreshing the file's
mtime (a heartbeat thread touches it every TTL/4) for HARNESS_CLAIM_TTL seconds (default 600).
Take-overs are serialised by a file lock, so two runs cannot both take over one stale claim.
"""

from __future__ import annotations

import json
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import psutil
from filelock import FileLock

from harness.store.files import HOST, owner_tag

SUFFIX = ".claim"


def claim_ttl() -> float:
    return float(os.environ.get("HARNESS_CLAIM_TTL", "600"))


def process_start_time(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


@dataclass(frozen=True)
class Claim:
    pid: int
    host: str
    run_id: str
    started_at: str
    process_started: float | None = None

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host} (run {self.run_id}, since {self.started_at})"


def pid_alive(pid: int, process_started: float | None) -> bool:
    """The process exists, is not a zombie, and (when known) started when the claim says."""
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        return process_started is None or abs(proc.create_time() - process_started) < 1.0
    except psutil.Error:
        return False


class Claims:
    def __init__(self, root: Path, run_id: str):
        self.dir = Path(root) / "claims"
        self.mine = Claim(os.getpid(), HOST, run_id,
                          datetime.now(timezone.utc).isoformat(timespec="seconds"),
                          process_start_time(os.getpid()))
        self.held: set[str] = set()
        self.recovered: list[tuple[str, Claim | None]] = []  # (trial_id, the dead holder)

    def path(self, trial_id: str) -> Path:
        return self.dir / f"{trial_id}{SUFFIX}"

    def read(self, trial_id: str) -> Claim | None | str:
        """The holder; None when unclaimed; "unreadable" for a damaged claim file."""
        try:
            return Claim(**json.loads(self.path(trial_id).read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except (ValueError, TypeError, UnicodeDecodeError):
            return "unreadable"

    def stale(self, trial_id: str, holder: Claim | str) -> bool:
        if not isinstance(holder, Claim):
            return True
        if holder.host == HOST:
            return not pid_alive(holder.pid, holder.process_started)
        try:
            age = time.time() - self.path(trial_id).stat().st_mtime
        except FileNotFoundError:
            return False
        return age > claim_ttl()

    def acquire(self, trial_id: str) -> Claim | None:
        """Claim a trial: None when it is now ours, else the live holder."""
        self.dir.mkdir(parents=True, exist_ok=True)
        for _ in range(5):
            if self._link(trial_id):
                self.held.add(trial_id)
                return None
            holder = self.read(trial_id)
            if holder is None:
                continue  # released between our attempt and the read: try again
            if not self.stale(trial_id, holder):
                return holder
            self._take_over(trial_id, holder)
        holder = self.read(trial_id)
        return holder if isinstance(holder, Claim) else self.mine

    def release(self, trial_id: str) -> None:
        if trial_id in self.held:
            self.held.discard(trial_id)
            if self.read(trial_id) == self.mine:
                self.path(trial_id).unlink(missing_ok=True)

    def _link(self, trial_id: str) -> bool:
        tmp = self.dir / f".{trial_id}{owner_tag()}{os.urandom(4).hex()}.tmp"
        tmp.write_text(json.dumps(asdict(self.mine)), encoding="utf-8")
        try:
            os.link(tmp, self.path(trial_id))
            return True
        except FileExistsError:
            return False
        finally:
            tmp.unlink(missing_ok=True)

    def _take_over(self, trial_id: str, seen: Claim | str) -> None:
        with FileLock(str(self.dir / ".takeover.lock")):
            holder = self.read(trial_id)
            if holder == seen and self.stale(trial_id, holder):
                self.path(trial_id).unlink(missing_ok=True)
                self.recovered.append((trial_id, holder if isinstance(holder, Claim) else None))

    @contextmanager
    def heartbeat(self):
        """Touch the held claims every TTL/4 s, so runs on other hosts see them as live."""
        stop = threading.Event()

        def beat():
            while not stop.wait(claim_ttl() / 4):
                for trial_id in list(self.held):
                    try:
                        os.utime(self.path(trial_id))
                    except OSError:
                        pass

        thread = threading.Thread(target=beat, name="harness-claims", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
