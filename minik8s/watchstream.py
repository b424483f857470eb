"""Watches over the store: initial state, events after a resourceVersion, selector transitions.

Mirrors k8s.io/apiserver/pkg/storage/etcd3 `watchChan` (`transform`, `processEvent`: PUT
without a previous value is ADDED, with one MODIFIED, DELETE is DELETED carrying the last
state; a selector change turns MODIFIED into ADDED or DELETED) and the "Get State and
Start at Most Recent" rule for resourceVersion "" / "0" (synthetic ADDED events first).
An rv older than the compaction revision is a 410 Gone, as in etcd3's watcher.
The initial state is kept as references to the stored values and decoded one event at a
time, so a client that never reads costs no copy of the list; the live queue is bounded
and a watcher that lets it fill is dropped (`(*cacheWatcher).add` / `stopLocked` in
k8s.io/apiserver/pkg/storage/cacher). A BOOKMARK carries the store's current revision once
every event up to it was sent, as the cacher's bookmarks carry its current resourceVersion.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.registry import Registry, decode, parse_rv
from kubeatlas.minik8s.resources import Resource
from kubeatlas.minik8s.selector import EVERYTHING, Selector, fields_match
from kubeatlas.minik8s.store import DELETE, OVERFLOW, Compacted, Event, KeyValue

ADDED, MODIFIED, DELETED, BOOKMARK, ERROR = "ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"


def field_prefilter(fields: tuple) -> Callable[[Event], bool] | None:
    """A cheap test on the stored bytes that an event may match `path=value` field selectors.

    Stored objects are compact JSON, so a pod on node-3 contains `"nodeName":"node-3"`; an
    event whose old and new bytes both lack a needle cannot match. This mirrors the watch
    cache's indexed trigger on spec.nodeName (pod strategy `NodeNameTriggerFunc`), which
    spares every kubelet from decoding every other node's pods."""
    needles = [(f'"{path.rsplit(".", 1)[-1]}":{json.dumps(value)}'.encode(),
                f'"{path.rsplit(".", 1)[-1]}":{value}'.encode())
               for path, op, value in fields if op == "=" and value]
    if not needles:
        return None

    def may_match(event: Event) -> bool:
        values = (event.kv.value, event.prev_kv.value if event.prev_kv else b"")
        return all(any(n in v for n in pair for v in values) for pair in needles)
    return may_match


class WatchStream:
    """A filtered stream of (type, object) pairs; `next` returns None on timeout."""

    def __init__(self, registry: Registry, resource: Resource, namespace: str,
                 resource_version: str | None, labels: Selector = EVERYTHING,
                 fields: tuple = (), *, buffer: int = 10_000) -> None:
        self.resource = resource
        self._store = registry.store
        self.labels = labels
        self.fields = fields
        self._pending: deque[KeyValue] = deque()
        rv = parse_rv(resource_version)
        prefix = resource.prefix(namespace)
        if not rv:
            kvs, revision = registry.store.range(prefix)
            self._pending.extend(kvs)  # references to the stored bytes, decoded when sent
            start = revision + 1
        else:
            start = rv + 1
        self.last_revision = start - 1
        try:
            self._watcher = registry.store.watch(prefix, start, capacity=buffer,
                                                 prefilter=field_prefilter(fields))
        except Compacted as exc:
            raise status.gone(f"too old resource version: {rv} ({exc.compacted})") from None

    def _transform(self, event: Event) -> tuple[str, dict] | None:
        filtered = not self.labels.empty or bool(self.fields)
        if event.type == DELETE:
            obj = decode(event.prev_kv, event.revision, self.resource.api_version)
            return (DELETED, obj) if self._matches(obj) else None
        obj = decode(event.kv, api_version=self.resource.api_version)
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
        while self._pending:
            obj = decode(self._pending.popleft(), api_version=self.resource.api_version)
            if self._matches(obj):
                return ADDED, obj
        while True:
            event = self._watcher.get(timeout)
            if event is None:
                return None
            self.last_revision = event.revision
            result = self._transform(event)
            if result is not None:
                return result

    @property
    def overflowed(self) -> bool:
        """The store dropped this watcher because its queue filled (the client read too slowly)."""
        return self._watcher.closed_reason == OVERFLOW

    def bookmark(self) -> tuple[str, dict]:
        """A BOOKMARK at the store's current revision when nothing is left to send, else at the last sent."""
        revision = self._store.settled_revision()
        if not self._pending and self._watcher.empty:
            self.last_revision = max(self.last_revision, revision)
        return BOOKMARK, {"kind": self.resource.kind, "apiVersion": self.resource.api_version,
                          "metadata": {"resourceVersion": str(self.last_revision)}}

    def stop(self) -> None:
        self._watcher.stop()

