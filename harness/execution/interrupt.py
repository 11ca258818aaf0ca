"""Ctrl-C during a run: the first SIGINT asks the run to stop after the current training step
(the trial is recorded as interrupted, the run exits 130); a second one aborts at once."""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager

from harness.methods.context import StopRequest


@contextmanager
def stop_on_sigint(stop: StopRequest):
    if threading.current_thread() is not threading.main_thread():
        yield stop  # signal handlers live in the main thread only
        return

    def handler(signum, frame):
        if stop.requested:
            raise KeyboardInterrupt
        stop.requested = True
        print("harness: Ctrl-C: stopping after the current step (press again to abort at once)",
              file=sys.stderr, flush=True)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)
