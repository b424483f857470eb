"""The scheduling queue: active (by priority, then age), backoff, and unschedulable pods.

Mirrors pkg/scheduler/internal/queue `PriorityQueue`: `Add`, `Pop`, `Update`, `Delete`,
`AddUnschedulableIfNotPresent` (a failed pod waits in unschedulablePods, or in the
backoff queue if the cluster changed while it was being scheduled),
`MoveAllToActiveOrBackoffQueue` (a node was added or a pod freed room: retry them),
exponential per-pod backoff (`calculateBackoffDuration`), and the periodic flush of pods
that sat unschedulable too long.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from dataclasses import dataclass


@dataclass(slots=True)
class QueuedPod:
    """A pod with its scheduling attempts (framework.QueuedPodInfo)."""

    pod: dict
    attempts: int = 0
    added_at: float = 0.0
    backoff_until: float = 0.0

    @property
    def uid(self) -> str:
        return self.pod["metadata"]["uid"]


class SchedulingQueue:
    def __init__(self, *, initial_backoff: float = 1.0, max_backoff: float = 10.0,
                 unschedulable_timeout: float = 300.0) -> None:
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.unschedulable_timeout = unschedulable_timeout
        self._cond = threading.Condition()
        self._active: list = []  # heap of (-priority, added_at, seq, uid)
        self._backoff: list = []  # heap of (backoff_until, seq, uid)
        self._infos: dict[str, QueuedPod] = {}
        self._where: dict[str, str] = {}  # uid -> active | backoff | unschedulable | popped
        self._seq = itertools.count()
        self._move_cycle = 0
        self._popped_at_cycle: dict[str, int] = {}
        self._closed = False
        self._last_flush = 0.0

    def _push_active(self, info: QueuedPod) -> None:
        priority = int((info.pod.get("spec") or {}).get("priority", 0))
        heapq.heappush(self._active, (-priority, info.added_at, next(self._seq), info.uid))
        self._where[info.uid] = "active"
        self._cond.notify()

    def add(self, pod: dict) -> None:
        with self._cond:
            self._add_locked(pod)

    def _add_locked(self, pod: dict) -> None:
        uid = pod["metadata"]["uid"]
        if uid in self._where:
            self._infos[uid].pod = pod
            return
        info = QueuedPod(pod, 0, time.monotonic())
        self._infos[uid] = info
        self._push_active(info)

    def update(self, pod: dict) -> None:
        uid = pod["metadata"]["uid"]
        with self._cond:
            if uid not in self._where:
                self._add_locked(pod)
                return
            self._infos[uid].pod = pod
            if self._where[uid] == "unschedulable":
                self._push_active(self._infos[uid])  # the pod changed: it may fit now

    def delete(self, uid: str) -> None:
        with self._cond:
            self._where.pop(uid, None)  # heaps are cleaned lazily on pop
            self._infos.pop(uid, None)

    def pop(self, timeout: float = 0.5) -> QueuedPod | None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._closed:
                self._flush()
                while self._active:
                    _, _, _, uid = heapq.heappop(self._active)
                    if self._where.get(uid) == "active":
                        info = self._infos[uid]
                        info.attempts += 1
                        self._where[uid] = "popped"
                        self._popped_at_cycle[uid] = self._move_cycle
                        return info
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                wait = left if not self._backoff else min(left, max(self._backoff[0][0] - time.monotonic(), 0.001))
                self._cond.wait(wait)
            return None

    def _flush(self) -> None:
        now = time.monotonic()
        while self._backoff and self._backoff[0][0] <= now:
            _, _, uid = heapq.heappop(self._backoff)
            if self._where.get(uid) == "backoff":
                self._push_active(self._infos[uid])
        if now - self._last_flush < 1.0:
            return
        self._last_flush = now  # flushUnschedulablePodsLeftover, at most once a second
        for uid, where in list(self._where.items()):
            info = self._infos[uid]
            if where == "unschedulable" and now - info.backoff_until > self.unschedulable_timeout:
                self._push_active(info)

    def _backoff_for(self, info: QueuedPod) -> float:
        return min(self.initial_backoff * (2 ** max(info.attempts - 1, 0)), self.max_backoff)

    def add_unschedulable(self, info: QueuedPod) -> None:
        """A pod that failed this cycle; straight to backoff if the cluster moved meanwhile."""
        with self._cond:
            if info.uid not in self._infos:
                return  # deleted while being scheduled
            info.backoff_until = time.monotonic() + self._backoff_for(info)
            if self._popped_at_cycle.pop(info.uid, -1) < self._move_cycle:
                self._to_backoff(info)
            else:
                self._where[info.uid] = "unschedulable"

    def requeue_after_error(self, info: QueuedPod) -> None:
        with self._cond:
            if info.uid in self._infos:
                info.backoff_until = time.monotonic() + self._backoff_for(info)
                self._to_backoff(info)

    def _to_backoff(self, info: QueuedPod) -> None:
        heapq.heappush(self._backoff, (info.backoff_until, next(self._seq), info.uid))
        self._where[info.uid] = "backoff"
        self._cond.notify()

    def done(self, uid: str) -> None:
        """The pod was bound: forget it."""
        self.delete(uid)

    def move_all_to_active_or_backoff(self) -> None:
        with self._cond:
            self._move_cycle += 1
            now = time.monotonic()
            for uid, where in list(self._where.items()):
                if where != "unschedulable":
                    continue
                info = self._infos[uid]
                if info.backoff_until <= now:
                    self._push_active(info)
                else:
                    self._to_backoff(info)

    def counts(self) -> dict[str, int]:
        with self._cond:
            result: dict[str, int] = {}
            for where in self._where.values():
                result[where] = result.get(where, 0) + 1
            return result

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
