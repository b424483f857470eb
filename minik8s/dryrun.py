"""Dry-run writes: the whole write path runs (admission, defaulting, validation), nothing is stored.

Mirrors k8s.io/apiserver/pkg/registry/generic/registry `DryRunnableStorage`: with dryRun its
`Create` checks the key is free and hands back the object, `GuaranteedUpdate` runs the update
function on the current object and returns the result, and `Delete` reads the object
without removing it. Here one view over the store does this for every write of a Registry
built on it, so create, update, patch, delete and their subresources behave alike.
"""

from __future__ import annotations

from kubeatlas.minik8s.registry import Registry
from kubeatlas.minik8s.store import KeyNotFound, KeyValue, Store, check_precondition


class DryRunStore:
    """Reads go to the real store; writes are checked as the real ones and then dropped."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def revision(self) -> int:
        return self._store.revision

    def get(self, key: str) -> KeyValue | None:
        return self._store.get(key)

    def range(self, prefix: str) -> tuple[list[KeyValue], int]:
        return self._store.range(prefix)

    def put(self, key: str, value: bytes, *, expect_mod_revision: int | None = None) -> KeyValue:
        prev = self._store.get(key)
        check_precondition(key, prev, expect_mod_revision)
        if prev is None:
            return KeyValue(key, value, 0, 0, 1)
        return KeyValue(key, value, prev.create_revision, prev.mod_revision, prev.version)

    def delete(self, key: str, *, expect_mod_revision: int | None = None) -> KeyValue:
        prev = self._store.get(key)
        if prev is None:
            raise KeyNotFound(key)
        check_precondition(key, prev, expect_mod_revision)
        return prev


def dry_run_registry(registry: Registry) -> Registry:
    """A Registry with the same admission chain whose writes are never persisted."""
    dry = Registry(DryRunStore(registry.store), registry.chain)  # type: ignore[arg-type]
    dry.token_signer = registry.token_signer
    return dry
