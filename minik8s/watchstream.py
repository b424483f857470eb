"""Watches over the store: initial state, events after a resourceVersion, selector transitions.

Mirrors k8s.io/apiserver/pkg/storage/etcd3 `watchChan` (`transform`, `processEvent`: PUT
without a previous value is ADDED, with one MODIFIED, DELETE is DELETED carrying the last
state; a selector change turns MODIFIED into ADDED or DELETED) and the "Get State and
Start at Most Recent" rule for resourceVersion "" / "0" (synthetic ADDED events first).
An rv older than the compaction revision is a 410 Gone, as in etcd3's watcher.
"""

from __future__ import annotations

from collections import deque

from minik8s import meta, status
from minik8s.registry import Registry, decode, parse_rv
from minik8s.resources import Resource
from minik8s.selector import EVERYTHING, Selector, fields_match
from minik8s.store import DELETE, Compacted, Event

ADDED, MODIFIED, DELETED, BOOKMARK, ERROR = "ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"


class WatchStream:
    """A filtered stream of (type, object) pairs; `next` returns None on timeout."""

    def __init__(self, registry: Registry, resource: Resource, namespace: str,
                 resource_version: str | None, labels: Selector = EVERYTHING,
                 fields: tuple = ()) -> None:
        self.resource = resource
        self.labels = labels
        self.fields = fields
        self._pending: deque = deque()
        rv = parse_rv(resource_version)
        prefix = resource.prefix(namespace)
        if not rv:
            items, revision = registry.list(resource, namespace, labels, fields)
            self._pending.extend((ADDED, item) for item in items)
            start = revision + 1
        else:
            start = rv + 1
        self.last_revision = start - 1
        try:
            self._watcher = registry.store.watch(prefix, start)
        except Compacted as exc:
            raise status.gone(f"too old resource version: {rv} ({exc.compacted})") from None

    def _transform(self, event: Event) -> tuple[str, dict] | None:
        filtered = not self.labels.empty or bool(self.fields)
        if event.type == DELETE:
            obj = decode(event.prev_kv, event.revision)
            return (DELETED, obj) if self._matches(obj) else None
        obj = decode(event.kv)
        if event.prev_kv is None:
            return (ADDED, obj) if self._matches(obj) else None
        now = self._matches(obj)
        before = self._matches(decode(event.prev_kv)) if filtered else True
        if now and before:
            return MODIFIED, obj
        if now:
            return ADDED, obj
        if before:
            return DELETED, obj
        return None

    def _matches(self, obj: dict) -> bool:
        return self.labels.matches(meta.labels_of(obj)) and fields_match(obj, self.fields)

    def next(self, timeout: float) -> tuple[str, dict] | None:
        """The next event; None on timeout; raises WatchClosed when the watch ended."""
        if self._pending:
            return self._pending.popleft()
        while True:
            event = self._watcher.get(timeout)
            if event is None:
                return None
            self.last_revision = event.revision
            result = self._transform(event)
            if result is not None:
                return result

    def bookmark(self) -> tuple[str, dict]:
        """A BOOKMARK event: the watch has seen everything up to last_revision."""
        return BOOKMARK, {"kind": self.resource.kind, "apiVersion": self.resource.api_version,
                          "metadata": {"resourceVersion": str(self.last_revision)}}

    def stop(self) -> None:
        self._watcher.stop()

