"""The garbage collector: delete objects whose owners are gone; orphan or cascade on request.

Mirrors pkg/controller/garbagecollector: `(*GarbageCollector).attemptToDeleteItem`
(classify owner references as solid, dangling or waiting-for-dependents-deletion through
`isDangling`, which double-checks with a live GET and compares uids; delete a dependent
whose owners are all gone, in the foreground if an owner waits for it),
`processDeletingDependentsItem` (an owner with the `foregroundDeletion` finalizer loses it
once its dependents are gone) and `orphanDependents` (the `orphan` finalizer: strip the
owner reference from every dependent, then drop the finalizer).
"""

from __future__ import annotations

import time

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.controllers.ownergraph import OwnerGraph, Ref
from kubeatlas.minik8s.controllers.worker import Controller
from kubeatlas.minik8s.informer import Handler, InformerFactory
from kubeatlas.minik8s.registry import FOREGROUND, ORPHAN
from kubeatlas.minik8s.resources import Resource, for_kind
from kubeatlas.minik8s.trace import Tracer

CONFLICT_TRIES = 4  # retry.DefaultBackoff's steps
CONFLICT_BACKOFF = 0.01  # its first delay, in seconds; each next one five times longer
MONITORED = (for_kind("apps/v1", "Deployment"), for_kind("apps/v1", "ReplicaSet"),
             for_kind("v1", "Pod"))
MIRROR = "method:k8s.io/kubernetes/pkg/controller/garbagecollector.(*GarbageCollector)."


class GarbageCollector(Controller):
    name = "garbage-collector"

    def __init__(self, client: Client, informers: InformerFactory, *,
                 resources: tuple[Resource, ...] = MONITORED, trace: Tracer | None = None) -> None:
        super().__init__(trace=trace)
        self.client = client
        self.graph = OwnerGraph()
        self.informers = {r.kind: informers.informer(r) for r in resources}
        for resource in resources:
            self.informers[resource.kind].add_handler(Handler(
                lambda obj, r=resource: self._changed(r, obj),
                lambda _old, obj, r=resource: self._changed(r, obj),
                lambda obj, r=resource: self._deleted(r, obj)))

    # -- processGraphChanges -------------------------------------------------------------
    def _changed(self, resource: Resource, obj: dict) -> None:
        self.graph.upsert(resource, obj)
        refs = obj["metadata"].get("ownerReferences") or ()
        if any(not self.graph.has(ref.get("uid", "")) for ref in refs):
            self.queue.add(("delete", resource.kind, meta.key_of(obj)))
        finalizers = obj["metadata"].get("finalizers") or ()
        if meta.is_deleting(obj) and (ORPHAN in finalizers or FOREGROUND in finalizers):
            self.queue.add(("owner", resource.kind, meta.key_of(obj)))
        for ref in refs:  # a dependent changing may unblock a foreground-deleting owner
            owner = self.graph.get(ref.get("uid", ""))
            if owner is not None:
                self._maybe_owner(owner)

    def _deleted(self, resource: Resource, obj: dict) -> None:
        owners = self.graph.remove(obj)
        for dependent in self.graph.dependents(meta.uid_of(obj)):
            self.queue.add(("delete", dependent.resource.kind, dependent.key))
        for uid in owners:
            owner = self.graph.get(uid)
            if owner is not None:
                self._maybe_owner(owner)

    def _maybe_owner(self, owner: Ref) -> None:
        obj = self.informers[owner.resource.kind].indexer.get(owner.key) \
            if owner.resource.kind in self.informers else None
        if obj is not None and FOREGROUND in (obj["metadata"].get("finalizers") or ()):
            self.queue.add(("owner", owner.resource.kind, owner.key))

    # -- workers -------------------------------------------------------------------------
    def sync(self, item) -> None:
        action, kind, key = item
        obj = self.informers[kind].indexer.get(key)
        if obj is None:
            return
        if action == "delete":
            self.attempt_to_delete(self.informers[kind].resource, obj)
        else:
            self.process_deleting_owner(self.informers[kind].resource, obj)

    def _owner_state(self, namespace: str, ref: dict) -> str:
        """'solid', 'dangling' or 'waiting' (being deleted in the foreground): isDangling."""
        owner = self.graph.get(ref.get("uid", ""))
        resource = owner.resource if owner else for_kind(ref.get("apiVersion", ""), ref.get("kind", ""))
        if resource is None:
            return "dangling"
        try:  # the cache may lag: ask the apiserver, compare uids
            live = self.client.get(resource, namespace if resource.namespaced else "", ref.get("name", ""))
        except status.ApiError as err:
            if status.is_not_found(err):
                return "dangling"
            raise
        if meta.uid_of(live) != ref.get("uid"):
            return "dangling"
        if meta.is_deleting(live) and FOREGROUND in (live["metadata"].get("finalizers") or ()):
            return "waiting"
        return "solid"

    def attempt_to_delete(self, resource: Resource, cached: dict) -> None:
        obj = self._latest(resource, cached)  # the cache may still show orphaned references
        if obj is None:
            return
        if meta.is_deleting(obj) and FOREGROUND not in (obj["metadata"].get("finalizers") or ()):
            return  # already on its way out
        refs = obj["metadata"].get("ownerReferences") or []
        if not refs:
            return
        states = {ref.get("uid"): self._owner_state(meta.namespace_of(obj), ref) for ref in refs}
        solid = [u for u, s in states.items() if s == "solid"]
        dangling = [u for u, s in states.items() if s == "dangling"]
        waiting = [u for u, s in states.items() if s == "waiting"]
        namespace, name = meta.namespace_of(obj), meta.name_of(obj)
        if solid:
            if dangling:  # keep the object, drop the references to owners that are gone
                kept = [r for r in refs if r.get("uid") not in dangling]
                self.client.patch(resource, namespace, name, {"metadata": {"ownerReferences": kept}})
            return
        policy = "Foreground" if waiting else "Background"
        self.emit("delete dependent", MIRROR + "attemptToDeleteItem",
                  f"{resource.kind} {namespace}/{name}: owners gone ({policy})")
        try:
            self.client.delete(resource, namespace, name, propagation=policy,
                               preconditions={"uid": meta.uid_of(obj)})
        except status.ApiError as err:
            if not (status.is_not_found(err) or status.is_conflict(err)):
                raise

    def _latest(self, resource: Resource, cached: dict) -> dict | None:
        """The live object if it is still the one cached (attemptToDeleteItem's getObject and
        UID check); None when it is gone or was replaced."""
        try:
            live = self.client.get(resource, meta.namespace_of(cached), meta.name_of(cached))
        except status.ApiError as err:
            if status.is_not_found(err):
                return None
            raise
        return live if meta.uid_of(live) == meta.uid_of(cached) else None

    def process_deleting_owner(self, resource: Resource, owner: dict) -> None:
        finalizers = list(owner["metadata"].get("finalizers") or ())
        uid = meta.uid_of(owner)
        if ORPHAN in finalizers:
            self.emit("orphan dependents", MIRROR + "orphanDependents", meta.key_of(owner))
            for dependent_resource, dependent in self._live_dependents(owner):
                kept = [r for r in dependent["metadata"].get("ownerReferences") or ()
                        if r.get("uid") != uid]
                try:
                    self.client.patch(dependent_resource, meta.namespace_of(dependent),
                                      meta.name_of(dependent),
                                      {"metadata": {"ownerReferences": kept or None}})
                except status.ApiError as err:
                    if not status.is_not_found(err):
                        raise
            self._remove_finalizer(resource, owner, ORPHAN)
        elif FOREGROUND in finalizers:
            dependents = self._live_dependents(owner)
            if dependents:
                for dependent_resource, dependent in dependents:
                    self.queue.add(("delete", dependent_resource.kind, meta.key_of(dependent)))
                return  # a dependent's deletion (or first sighting) requeues the owner
            self.emit("finish foreground deletion", MIRROR + "processDeletingDependentsItem",
                      meta.key_of(owner))
            self._remove_finalizer(resource, owner, FOREGROUND)

    def _live_dependents(self, owner: dict) -> list[tuple[Resource, dict]]:
        """Objects that name owner in their ownerReferences, as the apiserver has them now.
        The graph, fed by informers, can miss one created a moment ago; finishing an orphan or
        foreground deletion on that stale view would leave a dependent behind."""
        uid = meta.uid_of(owner)
        found = []
        for informer in self.informers.values():
            items, _ = self.client.list(informer.resource, meta.namespace_of(owner))
            found += [(informer.resource, obj) for obj in items if any(
                r.get("uid") == uid for r in obj["metadata"].get("ownerReferences") or ())]
        return found

    def _remove_finalizer(self, resource: Resource, owner: dict, finalizer: str) -> None:
        """removeFinalizer: read the owner, drop the finalizer, write it back; when the owner
        changed in between (a conflict), read it again, as retry.RetryOnConflict with
        retry.DefaultBackoff does (4 tries, 10 ms growing fivefold)."""
        namespace, name = meta.namespace_of(owner), meta.name_of(owner)
        for attempt in range(CONFLICT_TRIES):
            try:
                live = self.client.get(resource, namespace, name)
            except status.ApiError as err:
                if status.is_not_found(err):
                    return
                raise
            finalizers = live["metadata"].get("finalizers") or []
            if finalizer not in finalizers:
                return  # already removed
            live["metadata"]["finalizers"] = [f for f in finalizers if f != finalizer]
            try:
                self.client.update(resource, live)
                return
            except status.ApiError as err:
                if not status.is_conflict(err) or attempt == CONFLICT_TRIES - 1:
                    raise
            time.sleep(CONFLICT_BACKOFF * 5 ** attempt)
