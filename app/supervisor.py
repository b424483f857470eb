"""Run a server as a child process in the foreground: SIGTERM, SIGINT and SIGHUP to us stop
the child too (terminate, then kill after a grace period), so no server outlives its command."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Mapping, Sequence
from types import FrameType

GRACE_S = 10.0
_FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class _Stop(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def supervise(command: Sequence[str], env: Mapping[str, str], *, grace_s: float = GRACE_S) -> int:
    """Run command until it exits (its exit code) or we are signalled (128 + the signal,
    after the child is stopped)."""
    def stop(signum: int, frame: FrameType | None) -> None:
        raise _Stop(signum)

    previous = {s: signal.signal(s, stop) for s in _FORWARDED}
    child: subprocess.Popen[bytes] | None = None
    try:
        child = subprocess.Popen(list(command), env=dict(env))
        return child.wait()
    except _Stop as signalled:
        for s in _FORWARDED:  # a second signal must not interrupt the shutdown
            signal.signal(s, signal.SIG_IGN)
        if child is not None:
            _stop_child(child, grace_s)
        return 128 + signalled.signum
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if child is not None and child.poll() is None:  # any other way out
            _stop_child(child, grace_s)


def _stop_child(child: subprocess.Popen[bytes], grace_s: float) -> None:
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
