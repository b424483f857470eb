"""The informer's local cache: objects by namespace/name key, with secondary indexes.

Mirrors k8s.io/client-go/tools/cache (`threadSafeMap` behind `cache.Indexer`: `Add`,
`Update`, `Delete`, `Replace`, `ByIndex`, and the standard `NamespaceIndex` from
`MetaNamespaceIndexFunc`). Readers get the stored dicts: treat them as read-only, as
client-go asks of cached objects.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from kubeatlas.minik8s.meta import key_of, namespace_of

NAMESPACE_INDEX = "namespace"
IndexFunc = Callable[[dict], Iterable[str]]


def namespace_index(obj: dict) -> list[str]:
    return [namespace_of(obj)]


class Indexer:
    """A thread-safe key -> object map kept in step with its indexes."""

    def __init__(self, indexers: dict[str, IndexFunc] | None = None) -> None:
        self._lock = threading.RLock()
        self._items: dict[str, dict] = {}
        self._indexers: dict[str, IndexFunc] = {NAMESPACE_INDEX: namespace_index}
        self._indexers.update(indexers or {})
        self._indices: dict[str, dict[str, set[str]]] = {name: {} for name in self._indexers}

    def add_indexer(self, name: str, func: IndexFunc) -> None:
        with self._lock:
            self._indexers[name] = func
            self._indices[name] = {}
            for key, obj in self._items.items():
                self._index(name, key, obj)

    def _index(self, name: str, key: str, obj: dict) -> None:
        for value in self._indexers[name](obj):
            self._indices[name].setdefault(value, set()).add(key)

    def _unindex(self, key: str, obj: dict) -> None:
        for name, func in self._indexers.items():
            for value in func(obj):
                keys = self._indices[name].get(value)
                if keys is not None:
                    keys.discard(key)
                    if not keys:
                        del self._indices[name][value]

    def add(self, obj: dict) -> dict | None:
        """Insert or replace; returns the previous object."""
        key = key_of(obj)
        with self._lock:
            old = self._items.get(key)
            if old is not None:
                self._unindex(key, old)
            self._items[key] = obj
            for name in self._indexers:
                self._index(name, key, obj)
            return old

    update = add

    def delete(self, obj: dict) -> dict | None:
        key = key_of(obj)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._unindex(key, old)
            return old

    def replace(self, objs: Iterable[dict]) -> dict[str, dict]:
        """Swap the whole content (after a relist); returns what was there before."""
        with self._lock:
            before = self._items
            self._items = {}
            self._indices = {name: {} for name in self._indexers}
            for obj in objs:
                self.add(obj)
            return before

    def get(self, key: str) -> dict | None:
        return self._items.get(key)

    def list(self) -> list[dict]:
        with self._lock:
            return list(self._items.values())

    def keys(self) -> list[str]:
        with self._lock:
            return list(self._items)

    def by_index(self, name: str, value: str) -> list[dict]:
        with self._lock:
            return [self._items[k] for k in self._indices[name].get(value, ())]

    def __len__(self) -> int:
        return len(self._items)
