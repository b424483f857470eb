"""The controllers' work queue: de-duplicating, one worker per key at a time, delays, backoff.

Mirrors k8s.io/client-go/util/workqueue: `Type` (`Add`, `Get`, `Done` with the dirty and
processing sets, so a key being processed is re-queued only once it is Done),
`delayingType.AddAfter`, `rateLimitingType.AddRateLimited` / `Forget` / `NumRequeues`, and
`ItemExponentialFailureRateLimiter` (base * 2^failures, capped).
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections import deque
from collections.abc import Hashable


class ExponentialBackoff:
    """Per-item exponential failure delay: base * 2**failures, at most cap."""

    def __init__(self, base: float = 0.005, cap: float = 60.0) -> None:
        self.base = base
        self.cap = cap
        self._failures: dict[Hashable, int] = {}
        self._lock = threading.Lock()

    def when(self, item: Hashable) -> float:
        with self._lock:
            failures = self._failures.get(item, 0)
            self._failures[item] = failures + 1
        return min(self.base * (2 ** failures), self.cap)

    def num_requeues(self, item: Hashable) -> int:
        return self._failures.get(item, 0)

    def forget(self, item: Hashable) -> None:
        with self._lock:
            self._failures.pop(item, None)


class WorkQueue:
    """A rate-limited delaying work queue; `get` blocks, returning None once shut down."""

    def __init__(self, name: str = "", backoff: ExponentialBackoff | None = None) -> None:
        self.name = name
        self.backoff = backoff or ExponentialBackoff()
        self._queue: deque = deque()
        self._dirty: set = set()
        self._processing: set = set()
        self._waiting: list = []  # heap of (ready_at, seq, item)
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._shutting_down = False

    def add(self, item: Hashable) -> None:
        with self._cond:
            self._add_locked(item)

    def _add_locked(self, item: Hashable) -> None:
        if self._shutting_down or item in self._dirty:
            return
        self._dirty.add(item)
        if item not in self._processing:
            self._queue.append(item)
            self._cond.notify()

    def add_after(self, item: Hashable, delay: float) -> None:
        if delay <= 0:
            self.add(item)
            return
        with self._cond:
            if self._shutting_down:
                return
            heapq.heappush(self._waiting, (time.monotonic() + delay, next(self._seq), item))
            self._cond.notify()

    def add_rate_limited(self, item: Hashable) -> None:
        self.add_after(item, self.backoff.when(item))

    def forget(self, item: Hashable) -> None:
        self.backoff.forget(item)

    def num_requeues(self, item: Hashable) -> int:
        return self.backoff.num_requeues(item)

    def _promote_ready(self) -> float | None:
        """Move due delayed items into the queue; seconds until the next one is due."""
        now = time.monotonic()
        while self._waiting and self._waiting[0][0] <= now:
            _, _, item = heapq.heappop(self._waiting)
            self._add_locked(item)
        return self._waiting[0][0] - now if self._waiting else None

    def get(self, timeout: float | None = None) -> Hashable | None:
        """The next item to process (mark it Done afterwards); None on shutdown or timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                next_due = self._promote_ready()
                if self._queue:
                    item = self._queue.popleft()
                    self._processing.add(item)
                    self._dirty.discard(item)
                    return item
                if self._shutting_down:
                    return None
                wait = next_due
                if deadline is not None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return None
                    wait = left if wait is None else min(wait, left)
                self._cond.wait(wait)

    def done(self, item: Hashable) -> None:
        with self._cond:
            self._processing.discard(item)
            if item in self._dirty:
                self._queue.append(item)
                self._cond.notify()

    def __len__(self) -> int:
        with self._cond:
            return len(self._queue)

    def shut_down(self) -> None:
        with self._cond:
            self._shutting_down = True
            self._cond.notify_all()

    @property
    def shutting_down(self) -> bool:
        return self._shutting_down
