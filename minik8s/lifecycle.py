"""How `mini up` runs until told to stop: SIGINT or SIGTERM end it promptly and cleanly.

Mirrors the signal handling of the real binaries (k8s.io/apiserver/pkg/server
`SetupSignalHandler` / `SetupSignalContext`: the first SIGINT or SIGTERM cancels the
context and the server shuts down gracefully; here a second one during the shutdown is
ignored so the cleanup - container processes killed, the run's folder removed - finishes).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType


def run_until_signalled(stop: Callable[[], None], *, on_signal: Callable[[str], None] = lambda _name: None,
                        done: threading.Event | None = None) -> str:
    """Block until SIGINT or SIGTERM (or `done` is set), then call `stop()`; returns the signal's name."""
    woken = done or threading.Event()
    received: list[str] = []

    def handle(signum: int, _frame: FrameType | None) -> None:
        if not received:
            received.append(signal.Signals(signum).name)
        woken.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not woken.wait(0.2):
            pass
        on_signal(received[0] if received else "")
        stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return received[0] if received else ""
