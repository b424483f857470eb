"""Adoption guard: before a controller claims an orphan, re-read its own object from the API
and adopt only if it is the same object and not being deleted. Mirrors
`RecheckDeletionTimestamp` and `BaseControllerRefManager.CanAdopt` in
pkg/controller/controller_ref_manager.go: without it, a controller whose informer still shows
its owner alive re-adopts dependents that the garbage collector has just orphaned."""

from __future__ import annotations

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.resources import Resource


class AdoptionCheck:
    """Asked at most once per sync: the first orphan triggers one GET of the live owner."""

    def __init__(self, client: Client, resource: Resource, owner: dict) -> None:
        self._client, self._resource, self._owner = client, resource, owner
        self._answer: bool | None = None

    def __call__(self) -> bool:
        if self._answer is None:
            self._answer = self._recheck()
        return self._answer

    def _recheck(self) -> bool:
        if meta.is_deleting(self._owner):
            return False
        try:
            fresh = self._client.get(self._resource, meta.namespace_of(self._owner),
                                     meta.name_of(self._owner))
        except status.ApiError:
            return False
        return meta.uid_of(fresh) == meta.uid_of(self._owner) and not meta.is_deleting(fresh)
