"""Event recording: components report what happened to an object as core/v1 Events.

Mirrors k8s.io/client-go/tools/record (`EventRecorder.Event` / `Eventf` producing an Event
with an involvedObject, handed to the `EventBroadcaster`, which writes to the apiserver
asynchronously and drops events rather than block the caller when it falls behind), and
the `EventCorrelator`'s `eventObserve`: an event repeating one already written (same
object, reason, message and source) patches that Event's `count` and `lastTimestamp`
instead of creating another.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict

from kubeatlas.minik8s import meta
from kubeatlas.minik8s.client import Client, ServerUnreachable
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.status import ApiError

EVENT = for_kind("v1", "Event")
log = logging.getLogger("kubeatlas.minik8s.events")


class EventRecorder:
    """Queue events and write them from one background thread."""

    def __init__(self, client: Client, component: str, host: str = "", capacity: int = 1000) -> None:
        self.client = client
        self.component = component
        self.host = host
        self._queue: queue.Queue = queue.Queue(maxsize=capacity)
        self._seen: OrderedDict[tuple, tuple[str, int]] = OrderedDict()  # the correlator's cache: key -> (name, count)
        self._lock = threading.Lock()
        self._last_nanos = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._drain, daemon=True, name=f"events-{component}")
        self._thread.start()

    def record(self, obj: dict, kind: str, reason: str, message: str, *, field_path: str = "",
               object_kind: str = "") -> None:
        md = obj.get("metadata") or {}
        namespace = md.get("namespace") or "default"
        event = {"apiVersion": "v1", "kind": "Event",
                 "metadata": {"name": f"{md.get('name', 'unknown')}.{self._unique_nanos():x}",
                              "namespace": namespace},
                 "involvedObject": {"kind": obj.get("kind") or object_kind, "apiVersion": obj.get("apiVersion", ""),
                                    "namespace": md.get("namespace", ""), "name": md.get("name", ""),
                                    "uid": md.get("uid", ""), "resourceVersion": md.get("resourceVersion", ""),
                                    **({"fieldPath": field_path} if field_path else {})},
                 "reason": reason, "message": message, "type": kind, "count": 1,
                 "firstTimestamp": meta.now(), "lastTimestamp": meta.now(),
                 "source": {"component": self.component, **({"host": self.host} if self.host else {})},
                 "reportingComponent": self.component,
                 **({"reportingInstance": self.host} if self.host else {})}
        try:
            self._queue.put_nowait(event)
        except queue.Full:
            log.debug("event queue full; dropping %s %s", reason, md.get("name"))

    def _unique_nanos(self) -> int:
        """makeEvent names an Event `<object>.<UnixNano in hex>`, so a list returns them in the order they happened."""
        with self._lock:
            self._last_nanos = max(time.time_ns(), self._last_nanos + 1)
            return self._last_nanos

    def stop(self) -> None:
        """Broadcaster.Shutdown: write what is queued, then end the writer thread (a stopped
        component's recorder would otherwise wait for events forever)."""
        self._stopping.set()
        try:
            self._queue.put_nowait(None)
        except queue.Full:
            pass  # the writer sees _stopping after its next event

    def _drain(self) -> None:
        while not self._stopping.is_set() or not self._queue.empty():
            event = self._queue.get()
            if event is None:
                return
            involved = event["involvedObject"]
            key = (involved["uid"], involved.get("fieldPath", ""), event["reason"], event["message"], event["type"])
            try:
                self._write(key, event)
            except (ApiError, ServerUnreachable) as exc:
                log.debug("could not write event: %s", exc)

    def _write(self, key: tuple, event: dict) -> None:
        seen = self._seen.get(key)
        if seen is not None:
            name, count = seen
            try:
                self.client.patch(EVENT, event["metadata"]["namespace"], name,
                                  {"count": count + 1, "lastTimestamp": event["lastTimestamp"]})
                self._seen[key] = (name, count + 1)
                self._seen.move_to_end(key)
                return
            except ApiError as err:
                if err.code != 404:
                    raise
        self.client.create(EVENT, event["metadata"]["namespace"], event)
        self._seen[key] = (event["metadata"]["name"], 1)
        if len(self._seen) > 4096:  # an LRU, as the correlator's cache is
            self._seen.popitem(last=False)
