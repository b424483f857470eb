"""The garbage collector's view of ownership: every watched object by uid, and its dependents.

Mirrors pkg/controller/garbagecollector/graph_builder.go: `(*GraphBuilder).processGraphChanges`
keeps a `uidToNode` map where each node knows its owners and dependents
(`insertNode`, `addDependentToOwners`, `removeNode`), fed by one informer ("monitor") per
deletable resource.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from kubeatlas.minik8s import meta
from kubeatlas.minik8s.resources import Resource


@dataclass(frozen=True, slots=True)
class Ref:
    """An object's identity in the graph (objectReference)."""

    uid: str
    resource: Resource
    namespace: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace else self.name


class OwnerGraph:
    """uid -> Ref, owner uid -> dependent uids; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._nodes: dict[str, Ref] = {}
        self._owners: dict[str, tuple[str, ...]] = {}
        self._dependents: dict[str, set[str]] = {}

    def upsert(self, resource: Resource, obj: dict) -> None:
        uid = meta.uid_of(obj)
        owners = tuple(ref.get("uid", "") for ref in obj["metadata"].get("ownerReferences") or ())
        with self._lock:
            for owner in self._owners.get(uid, ()):
                self._dependents.get(owner, set()).discard(uid)
            self._nodes[uid] = Ref(uid, resource, meta.namespace_of(obj), meta.name_of(obj))
            self._owners[uid] = owners
            for owner in owners:
                self._dependents.setdefault(owner, set()).add(uid)

    def remove(self, obj: dict) -> tuple[str, ...]:
        """Forget obj; returns the owners it had (they may now be finalizable)."""
        uid = meta.uid_of(obj)
        with self._lock:
            self._nodes.pop(uid, None)
            owners = self._owners.pop(uid, ())
            for owner in owners:
                dependents = self._dependents.get(owner)
                if dependents is not None:
                    dependents.discard(uid)
            return owners

    def has(self, uid: str) -> bool:
        return uid in self._nodes

    def get(self, uid: str) -> Ref | None:
        return self._nodes.get(uid)

    def dependents(self, uid: str) -> list[Ref]:
        with self._lock:
            return [self._nodes[d] for d in self._dependents.get(uid, ()) if d in self._nodes]
