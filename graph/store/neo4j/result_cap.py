"""A client-side cap on what one console query may receive: bytes and time, counted as the
driver reads the socket. The server's transaction timeout does not bound the client: one record
of `RETURN range(1, 20000000)` is ~100 MB that the driver would read and decode for minutes.

The neo4j driver reads every Bolt message through `receive_into_buffer` of its sync Bolt module;
while a budget is set on the current thread, that read is counted first and refused (an OSError,
so the driver drops the connection) past the byte cap or the deadline, and a read waiting for
the server is given the time left as its timeout."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

MAX_RESULT_BYTES = 4 << 20  # what one console query may receive in all (the row cap comes first
# for ordinary rows: 1,000 nodes with their properties are well under 1 MB)
_BOLT_MODULE = "neo4j._sync.io._bolt._common"
_state = threading.local()


class ResultCapExceeded(OSError):
    """The query's result passed the byte cap or its deadline while being received."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "bytes" or "time"


class Budget:
    def __init__(self, max_bytes: int, deadline: float) -> None:
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.received = 0
        self.tripped: str | None = None

    def spend(self, n_bytes: int) -> None:
        self.received += n_bytes
        if self.received > self.max_bytes:
            self.tripped = "bytes"
        elif time.monotonic() > self.deadline:
            self.tripped = "time"
        if self.tripped:
            raise ResultCapExceeded(self.tripped)


def installed() -> bool:
    """Hook the driver's socket read (once); False if this driver version has no such hook."""
    try:
        module = importlib.import_module(_BOLT_MODULE)
    except ImportError:
        return False
    original: Callable[..., Any] | None = getattr(module, "receive_into_buffer", None)
    if original is None:
        return False
    if getattr(original, "kubeatlas_cap", False):
        return True

    def counted(sock: Any, buffer: Any, n_bytes: int) -> Any:
        budget: Budget | None = getattr(_state, "budget", None)
        if budget is None:
            return original(sock, buffer, n_bytes)
        budget.spend(n_bytes)
        # a server still computing sends nothing: the wait for bytes is bounded by the deadline
        # too (the driver's socket applies its read timeout to every read)
        previous = getattr(sock, "_read_timeout", None)
        if hasattr(sock, "_read_timeout"):
            sock._read_timeout = max(0.01, budget.deadline - time.monotonic())
        try:
            return original(sock, buffer, n_bytes)
        except TimeoutError:
            budget.tripped = "time"
            raise ResultCapExceeded("time") from None
        finally:
            if hasattr(sock, "_read_timeout"):
                sock._read_timeout = previous

    counted.kubeatlas_cap = True  # type: ignore[attr-defined]
    setattr(module, "receive_into_buffer", counted)  # noqa: B010 - a module found at run time
    return True


@contextmanager
def capped(max_bytes: int, limit_s: float) -> Iterator[Budget]:
    """Reads of the driver on this thread, inside the block, count against one Budget."""
    budget = Budget(max_bytes, time.monotonic() + limit_s)
    _state.budget = budget
    try:
        yield budget
    finally:
        _state.budget = None
