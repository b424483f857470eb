"""Controller expectations: how many creates/deletes a controller still waits to see.

Mirrors pkg/controller/controller_utils.go `ControllerExpectations` (`ExpectCreations`,
`ExpectDeletions`, `CreationObserved`, `DeletionObserved`, `SatisfiedExpectations` with a
TTL): a ReplicaSet controller that has just asked for 3 pods must not ask again before its
informer has seen them, or it would create 6.
"""

from __future__ import annotations

import threading
import time


class Expectations:
    """Per controller key: pending adds and deletes, and when they were set."""

    def __init__(self, ttl: float = 300.0) -> None:
        self.ttl = ttl
        self._pending: dict[str, list] = {}  # key -> [adds, dels, set_at]
        self._lock = threading.Lock()

    def expect_creations(self, key: str, adds: int) -> None:
        with self._lock:
            self._pending[key] = [adds, 0, time.monotonic()]

    def expect_deletions(self, key: str, dels: int) -> None:
        with self._lock:
            self._pending[key] = [0, dels, time.monotonic()]

    def creation_observed(self, key: str) -> None:
        self._lower(key, 0)

    def deletion_observed(self, key: str) -> None:
        self._lower(key, 1)

    def _lower(self, key: str, slot: int) -> None:
        with self._lock:
            entry = self._pending.get(key)
            if entry is not None and entry[slot] > 0:
                entry[slot] -= 1

    def satisfied(self, key: str) -> bool:
        """True when nothing is pending, the entry expired, or there never was one."""
        with self._lock:
            entry = self._pending.get(key)
            if entry is None:
                return True
            adds, dels, set_at = entry
            return (adds <= 0 and dels <= 0) or time.monotonic() - set_at > self.ttl

    def delete(self, key: str) -> None:
        with self._lock:
            self._pending.pop(key, None)
