"""Shared informers: a reflector feeding an indexer and notifying event handlers.

Mirrors k8s.io/client-go/tools/cache `sharedIndexInformer` (`HandleDeltas` updating the
indexer then `processor.distribute` to `ResourceEventHandler`s: OnAdd, OnUpdate, OnDelete;
periodic resync re-delivers every object as an update) and
k8s.io/client-go/informers `sharedInformerFactory` (one informer per resource, shared by
every controller; `Start`, `WaitForCacheSync`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.indexer import Indexer, IndexFunc
from kubeatlas.minik8s.meta import key_of, resource_version
from kubeatlas.minik8s.reflector import Reflector
from kubeatlas.minik8s.resources import Resource

log = logging.getLogger("kubeatlas.minik8s.informer")


@dataclass(frozen=True, slots=True)
class Handler:
    """A ResourceEventHandlerFuncs: any of the three may be None."""

    on_add: Callable[[dict], None] | None = None
    on_update: Callable[[dict, dict], None] | None = None
    on_delete: Callable[[dict], None] | None = None


class Informer:
    """One watched resource with its local cache and handlers."""

    def __init__(self, client: Client, resource: Resource, *, namespace: str = "",
                 label_selector: str = "", field_selector: str = "", resync: float = 0.0,
                 indexers: dict[str, IndexFunc] | None = None, watch_timeout: int = 300) -> None:
        self.resource = resource
        self.indexer = Indexer(indexers)
        self.resync = resync
        self._handlers: list[Handler] = []
        self._lock = threading.RLock()
        self._synced = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.reflector = Reflector(client, resource, self, namespace=namespace,
                                   label_selector=label_selector, field_selector=field_selector,
                                   watch_timeout=watch_timeout)

    def add_handler(self, handler: Handler) -> None:
        """Register handlers; objects already cached are delivered as adds (as client-go does)."""
        with self._lock:
            self._handlers.append(handler)
            if handler.on_add:
                for obj in self.indexer.list():
                    handler.on_add(obj)

    # -- Sink for the reflector ----------------------------------------------------------
    def replace(self, items: list[dict], resource_version: str) -> None:
        with self._lock:
            fresh = {key_of(obj) for obj in items}
            before = self.indexer.replace(items)
            for key, old in before.items():
                if key not in fresh:
                    self._dispatch("on_delete", old)
            for obj in items:
                old = before.get(key_of(obj))
                if old is None:
                    self._dispatch("on_add", obj)
                elif resource_version_changed(old, obj):
                    self._dispatch("on_update", old, obj)
            self._synced.set()

    def add(self, obj: dict) -> None:
        with self._lock:
            old = self.indexer.add(obj)
            if old is None:
                self._dispatch("on_add", obj)
            else:
                self._dispatch("on_update", old, obj)

    def update(self, obj: dict) -> None:
        self.add(obj)

    def delete(self, obj: dict) -> None:
        with self._lock:
            self.indexer.delete(obj)
            self._dispatch("on_delete", obj)

    def _dispatch(self, name: str, *args) -> None:
        for handler in self._handlers:
            func = getattr(handler, name)
            if func is None:
                continue
            try:
                func(*args)
            except Exception:
                log.exception("%s handler %s failed", self.resource.plural, name)

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> None:
        thread = threading.Thread(target=self.reflector.run, daemon=True,
                                  name=f"reflector-{self.resource.plural}")
        thread.start()
        self._threads.append(thread)
        if self.resync > 0:
            resync = threading.Thread(target=self._resync_loop, daemon=True,
                                      name=f"resync-{self.resource.plural}")
            resync.start()
            self._threads.append(resync)

    def _resync_loop(self) -> None:
        while not self._stop.wait(self.resync):
            with self._lock:
                for obj in self.indexer.list():
                    self._dispatch("on_update", obj, obj)

    @property
    def has_synced(self) -> bool:
        return self._synced.is_set()

    def wait_for_sync(self, timeout: float = 10.0) -> bool:
        return self._synced.wait(timeout)

    def stop(self) -> None:
        self._stop.set()
        self.reflector.stop()
        for thread in self._threads:
            thread.join(timeout=2)


def resource_version_changed(old: dict, new: dict) -> bool:
    return resource_version(old) != resource_version(new)


class InformerFactory:
    """Hands out one shared Informer per (resource, namespace, selectors)."""

    def __init__(self, client: Client, *, resync: float = 0.0, watch_timeout: int = 300) -> None:
        self.client = client
        self.resync = resync
        self.watch_timeout = watch_timeout
        self._informers: dict[tuple, Informer] = {}
        self._started: set[tuple] = set()
        self._lock = threading.Lock()

    def informer(self, resource: Resource, *, namespace: str = "", label_selector: str = "",
                 field_selector: str = "") -> Informer:
        key = (resource.plural, resource.group, namespace, label_selector, field_selector)
        with self._lock:
            if key not in self._informers:
                self._informers[key] = Informer(self.client, resource, namespace=namespace,
                                                label_selector=label_selector,
                                                field_selector=field_selector,
                                                resync=self.resync,
                                                watch_timeout=self.watch_timeout)
            return self._informers[key]

    def start(self) -> None:
        with self._lock:
            for key, informer in self._informers.items():
                if key not in self._started:
                    informer.start()
                    self._started.add(key)

    def wait_for_sync(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        return all(i.wait_for_sync(max(deadline - time.monotonic(), 0))
                   for i in list(self._informers.values()))

    def stop(self) -> None:
        for informer in list(self._informers.values()):
            informer.stop()
