"""Event recording: components report what happened to an object as core/v1 Events.

Mirrors k8s.io/client-go/tools/record (`EventRecorder.Event` / `Eventf` producing an Event
with an involvedObject, handed to the `EventBroadcaster`, which writes to the apiserver
asynchronously and drops events rather than block the caller when it falls behind).
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid

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
        self._thread = threading.Thread(target=self._drain, daemon=True, name=f"events-{component}")
        self._thread.start()

    def record(self, obj: dict, kind: str, reason: str, message: str, *, field_path: str = "",
               object_kind: str = "") -> None:
        md = obj.get("metadata") or {}
        namespace = md.get("namespace") or "default"
        event = {"apiVersion": "v1", "kind": "Event",
                 "metadata": {"name": f"{md.get('name', 'unknown')}.{uuid.uuid4().hex[:16]}",
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

    def _drain(self) -> None:
        while True:
            event = self._queue.get()
            try:
                self.client.create(EVENT, event["metadata"]["namespace"], event)
            except (ApiError, ServerUnreachable) as exc:
                log.debug("could not write event: %s", exc)
