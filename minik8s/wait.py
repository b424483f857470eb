"""Polling until something holds: k8s.io/apimachinery/pkg/util/wait `PollUntilContextTimeout`."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def poll(condition: Callable[[], T], timeout: float, interval: float = 0.02) -> T:
    """Call `condition` until it returns something truthy or `timeout` passes; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def wait_for(condition: Callable[[], T], timeout: float = 10.0, what: str = "condition") -> T:
    """`poll`, but a condition still false at the deadline is an error (for tests and scripts)."""
    value = poll(condition, timeout)
    if not value:
        raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
    return value
