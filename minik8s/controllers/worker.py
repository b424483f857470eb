"""The loop every controller runs: workers take keys off a rate-limited queue and sync them.

Mirrors the shape shared by pkg/controller/* (e.g. `(*DeploymentController).Run`, `worker`,
`processNextWorkItem`, `handleErr`): a key that fails is re-queued with exponential
backoff up to a retry limit, a key that succeeds is forgotten. Controllers are
level-triggered: `sync(key)` reads the current state and converges towards the spec, so a
restarted controller picks up where any previous one stopped.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from kubeatlas.minik8s.trace import Step, Tracer, no_trace
from kubeatlas.minik8s.workqueue import ExponentialBackoff, WorkQueue

MAX_RETRIES = 15


class Controller:
    """Base class: subclasses implement `sync(key)` and enqueue keys from informer handlers."""

    name = "controller"

    def __init__(self, *, trace: Tracer | None = None, backoff: ExponentialBackoff | None = None):
        self.queue = WorkQueue(self.name, backoff)
        self.trace = trace or no_trace
        self.log = logging.getLogger(f"minik8s.{self.name}")
        self._threads: list[threading.Thread] = []
        self.recorder: Any = None  # an events.EventRecorder, set by the controller-manager

    def record(self, obj: dict, event_type: str, reason: str, message: str) -> None:
        """recorder.Eventf: an Event about obj, when this controller records events."""
        if self.recorder is not None:
            self.recorder.record(obj, event_type, reason, message)

    def sync(self, key: str) -> None:
        raise NotImplementedError

    def emit(self, action: str, mirrors: str, detail: str = "") -> None:
        self.trace(Step(self.name, action, mirrors, detail))

    def run(self, workers: int = 1) -> None:
        for i in range(workers):
            thread = threading.Thread(target=self._worker, daemon=True, name=f"{self.name}-{i}")
            thread.start()
            self._threads.append(thread)

    def _worker(self) -> None:
        while self.process_next_work_item():
            pass

    def process_next_work_item(self) -> bool:
        key = self.queue.get()
        if key is None:
            return False
        try:
            self.sync(key)
            self.queue.forget(key)
        except Exception as exc:
            if self.queue.num_requeues(key) < MAX_RETRIES:
                self.log.debug("error syncing %s: %s; requeueing", key, exc)
                self.queue.add_rate_limited(key)
            else:
                self.log.warning("dropping %s out of the queue: %s", key, exc)
                self.queue.forget(key)
        finally:
            self.queue.done(key)
        return True

    def stop(self) -> None:
        self.queue.shut_down()
        for thread in self._threads:
            thread.join(timeout=2)
