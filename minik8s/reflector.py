"""The reflector: list once, then watch from the list's resourceVersion, forever.

Mirrors k8s.io/client-go/tools/cache `(*Reflector).ListAndWatch`: a LIST fills the store
(`syncWith` -> `Replace`), a WATCH from the returned resourceVersion applies each event
(`watchHandler`), a closed watch is re-opened from the last resourceVersion seen (so no
event is missed), BOOKMARKs advance that version, a 410 Gone forces a fresh LIST, and an
unreachable server is retried with backoff.
"""

from __future__ import annotations

import logging
import random
import threading
from typing import Protocol

from kubeatlas.minik8s.client import Client, ServerUnreachable
from kubeatlas.minik8s.resources import Resource
from kubeatlas.minik8s.status import ApiError

log = logging.getLogger("kubeatlas.minik8s.reflector")


class Sink(Protocol):
    """Where a reflector delivers what it sees (cache.Store as the reflector uses it)."""

    def replace(self, items: list[dict], resource_version: str) -> None: ...

    def add(self, obj: dict) -> None: ...

    def update(self, obj: dict) -> None: ...

    def delete(self, obj: dict) -> None: ...


class Reflector:
    """Keeps a Sink in step with one resource (optionally namespaced and filtered)."""

    def __init__(self, client: Client, resource: Resource, sink: Sink, *, namespace: str = "",
                 label_selector: str = "", field_selector: str = "", watch_timeout: int = 300,
                 backoff: float = 0.2, max_backoff: float = 5.0) -> None:
        self.client = client
        self.resource = resource
        self.sink = sink
        self.namespace = namespace
        self.label_selector = label_selector
        self.field_selector = field_selector
        self.watch_timeout = watch_timeout
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.last_resource_version = ""
        self.lists = 0
        self.watches = 0
        self._stop = threading.Event()
        self._watch = None

    def run(self) -> None:
        """Until stop(): ListAndWatch, backing off after failures."""
        delay = self.backoff
        while not self._stop.is_set():
            try:
                self.list_and_watch()
                delay = self.backoff
            except (ServerUnreachable, ApiError) as exc:
                if self._stop.is_set():
                    return
                log.debug("%s: list/watch failed: %s; retrying in %.2fs",
                          self.resource.plural, exc, delay)
                self._stop.wait(delay)
                delay = min(delay * 2, self.max_backoff)

    def list_and_watch(self) -> None:
        items, resource_version = self.client.list(
            self.resource, self.namespace, label_selector=self.label_selector,
            field_selector=self.field_selector)
        self.lists += 1
        self.sink.replace(items, resource_version)
        self.last_resource_version = resource_version
        delay = self.backoff
        while not self._stop.is_set():
            try:
                if not self._watch_once():
                    return  # 410 Gone: relist
                delay = self.backoff
            except ServerUnreachable:
                if self._stop.is_set():
                    return
                self._stop.wait(delay)  # the server went away: re-watch from the same rv
                delay = min(delay * 2, self.max_backoff)

    def _watch_once(self) -> bool:
        timeout = int(self.watch_timeout * (1 + random.random()))
        watch = self.client.watch(self.resource, self.namespace,
                                  resource_version=self.last_resource_version,
                                  label_selector=self.label_selector,
                                  field_selector=self.field_selector,
                                  timeout_seconds=timeout, bookmarks=True)
        self._watch = watch
        self.watches += 1
        if self._stop.is_set():
            watch.stop()
            return True
        for kind, obj in watch:
            if kind == "ERROR":
                if obj.get("code") == 410:
                    log.info("%s: watch expired (%s); relisting", self.resource.plural,
                             obj.get("message"))
                    return False
                raise ApiError.from_status(obj, int(obj.get("code") or 500))
            resource_version = (obj.get("metadata") or {}).get("resourceVersion", "")
            if kind == "ADDED":
                self.sink.add(obj)
            elif kind == "MODIFIED":
                self.sink.update(obj)
            elif kind == "DELETED":
                self.sink.delete(obj)
            if resource_version:
                self.last_resource_version = resource_version
        return True

    def stop(self) -> None:
        self._stop.set()
        if self._watch is not None:
            self._watch.stop()
