"""An etcd-like MVCC key-value store: revisions, compare-and-swap, watch from a revision, compaction.

Mirrors what kube-apiserver relies on in etcd v3 through k8s.io/apiserver/pkg/storage/etcd3:
one global revision bumped by every write, a per-key create/mod revision and version,
transactions guarded by `ModRevision(key) == rev` (the `GuaranteedUpdate` and
`conditionalDelete` paths of etcd3's `store`), watches that replay history from a start
revision (`watcher.Watch`), and compaction that drops old history (`etcd3.compactor`).
With `path`, every commit is appended to a write-ahead log (wal.py) and compaction rewrites
it as a snapshot, so a restarted store comes back at the same revision.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kubeatlas.minik8s.wal import WriteAheadLog

PUT, DELETE = "PUT", "DELETE"
OVERFLOW = "watcher fell behind and was dropped"


class StoreError(Exception):
    """Base of the store's errors."""


class KeyExists(StoreError):
    """A create found the key already present."""


class KeyNotFound(StoreError):
    """An update or delete found no such key."""


class RevisionConflict(StoreError):
    """A compare-and-swap saw another mod revision; `current` is what is stored now."""

    def __init__(self, key: str, current: KeyValue | None) -> None:
        super().__init__(f"{key}: mod revision changed")
        self.current = current


class Compacted(StoreError):
    """A watch asked for history older than the compaction revision."""

    def __init__(self, requested: int, compacted: int) -> None:
        super().__init__(f"required revision {requested} has been compacted (at {compacted})")
        self.compacted = compacted


class WatchClosed(StoreError):
    """The watcher was stopped, overflowed or the store closed."""


@dataclass(frozen=True, slots=True)
class KeyValue:
    """One stored version of a key (etcd's mvccpb.KeyValue)."""

    key: str
    value: bytes
    create_revision: int
    mod_revision: int
    version: int


@dataclass(frozen=True, slots=True)
class Event:
    """A committed change; for DELETE, `kv.mod_revision` is the deletion revision."""

    type: str
    kv: KeyValue
    prev_kv: KeyValue | None

    @property
    def revision(self) -> int:
        return self.kv.mod_revision


class Watcher:
    """A bounded stream of events under a key prefix; closed on overflow (as etcd drops slow watchers)."""

    def __init__(self, store: Store, prefix: str, capacity: int,
                 prefilter: Callable[[Event], bool] | None = None) -> None:
        self.prefix = prefix
        self.capacity = capacity
        self.prefilter = prefilter
        self._store = store
        self._events: deque[Event] = deque()
        self._cond = threading.Condition()
        self.closed_reason = ""

    def wants(self, event: Event) -> bool:
        return event.kv.key.startswith(self.prefix) and (self.prefilter is None or self.prefilter(event))

    def _offer(self, event: Event) -> bool:
        with self._cond:
            if self.closed_reason:
                return False
            if len(self._events) >= self.capacity:
                self.closed_reason = OVERFLOW
                self._cond.notify_all()
                return False
            self._events.append(event)
            self._cond.notify()
            return True

    def _close(self, reason: str) -> None:
        with self._cond:
            if not self.closed_reason:
                self.closed_reason = reason
            self._cond.notify_all()

    def get(self, timeout: float | None = None) -> Event | None:
        """The next event, None on timeout; WatchClosed once closed and drained."""
        with self._cond:
            if not self._events and not self.closed_reason:
                self._cond.wait(timeout)
            if self._events:
                return self._events.popleft()
            if self.closed_reason:
                raise WatchClosed(self.closed_reason)
            return None

    @property
    def empty(self) -> bool:
        """Nothing queued: every event offered so far was taken."""
        with self._cond:
            return not self._events

    def stop(self) -> None:
        self._store._remove_watcher(self)
        self._close("stopped")


class Store:
    """The MVCC store; thread-safe, one lock serialises commits and watch fan-out."""

    def __init__(self, path: str | Path | None = None, *, sync: bool = False) -> None:
        self._lock = threading.Lock()
        self._data: dict[str, KeyValue] = {}
        self._history: deque[Event] = deque()
        self._watchers: list[Watcher] = []
        self._revision = 1  # etcd starts at 1
        self._compacted = 0
        self._log = WriteAheadLog(path, sync=sync) if path else None
        if self._log:
            self._recover()

    # -- reads ---------------------------------------------------------------------------
    @property
    def revision(self) -> int:
        return self._revision

    @property
    def compacted_revision(self) -> int:
        return self._compacted

    def settled_revision(self) -> int:
        """The current revision, read under the commit lock: its events have reached every watcher."""
        with self._lock:
            return self._revision

    def get(self, key: str) -> KeyValue | None:
        return self._data.get(key)

    def range_at(self, prefix: str, revision: int) -> list[KeyValue]:
        """The keys under prefix as they were at `revision` (etcd's Range with a revision), sorted.

        Built from the current data by undoing newer history; Compacted when history no
        longer reaches back that far."""
        with self._lock:
            if revision < self._compacted:
                raise Compacted(revision, self._compacted)
            data = {k: kv for k, kv in self._data.items() if k.startswith(prefix)}
            for event in reversed(self._history):
                if event.revision <= revision:
                    break
                if event.kv.key.startswith(prefix):
                    if event.prev_kv is None:
                        data.pop(event.kv.key, None)
                    else:
                        data[event.kv.key] = event.prev_kv
        return sorted(data.values(), key=lambda kv: kv.key)

    def range(self, prefix: str) -> tuple[list[KeyValue], int]:
        """Every current key under prefix, sorted, and the revision the read was made at."""
        with self._lock:
            items = [kv for k, kv in self._data.items() if k.startswith(prefix)]
            revision = self._revision
        items.sort(key=lambda kv: kv.key)
        return items, revision

    # -- writes (each is one etcd Txn: If(mod_revision == expected) Then(op) Else(get)) --
    def put(self, key: str, value: bytes, *, expect_mod_revision: int | None = None) -> KeyValue:
        """Write key; expect 0 = create only, N = only if the key is at mod revision N."""
        with self._lock:
            prev = self._data.get(key)
            check_precondition(key, prev, expect_mod_revision)
            revision = self._revision + 1
            kv = KeyValue(key, value, prev.create_revision if prev else revision, revision,
                          prev.version + 1 if prev else 1)
            self._commit(Event(PUT, kv, prev))
            return kv

    def delete(self, key: str, *, expect_mod_revision: int | None = None) -> KeyValue:
        """Delete key (optionally only at mod revision N); returns the deleted version."""
        with self._lock:
            prev = self._data.get(key)
            if prev is None:
                raise KeyNotFound(key)
            check_precondition(key, prev, expect_mod_revision)
            tomb = KeyValue(key, b"", prev.create_revision, self._revision + 1, 0)
            self._commit(Event(DELETE, tomb, prev))
            return prev

    def _commit(self, event: Event) -> None:
        self._apply(event)
        if self._log:
            self._log.append(_event_record(event))
        for watcher in list(self._watchers):
            if watcher.wants(event) and not watcher._offer(event):
                self._watchers.remove(watcher)

    def _apply(self, event: Event) -> None:
        self._revision = event.revision
        if event.type == PUT:
            self._data[event.kv.key] = event.kv
        else:
            self._data.pop(event.kv.key, None)
        self._history.append(event)

    # -- watch and compaction ------------------------------------------------------------
    def watch(self, prefix: str, start_revision: int, *, capacity: int = 10_000,
              prefilter: Callable[[Event], bool] | None = None) -> Watcher:
        """Events under prefix with revision >= start_revision: history first, then live.

        `prefilter` runs in the writer's thread and drops events early, so a watcher that
        cannot match is never woken (the role of the watch cache's indexed triggers)."""
        with self._lock:
            if start_revision < self._compacted:
                raise Compacted(start_revision, self._compacted)
            watcher = Watcher(self, prefix, capacity, prefilter)
            for event in self._history:
                if event.revision >= start_revision and watcher.wants(event) and not watcher._offer(event):
                    return watcher
            self._watchers.append(watcher)
            return watcher

    def _remove_watcher(self, watcher: Watcher) -> None:
        with self._lock:
            if watcher in self._watchers:
                self._watchers.remove(watcher)

    def compact(self, revision: int) -> None:
        """Drop history older than revision; watches from before it get Compacted."""
        with self._lock:
            revision = min(revision, self._revision)
            if revision <= self._compacted:
                return
            while self._history and self._history[0].revision < revision:
                self._history.popleft()
            self._compacted = revision
            if self._log:
                self._write_snapshot()

    def close(self) -> None:
        with self._lock:
            for watcher in self._watchers:
                watcher._close("store closed")
            self._watchers.clear()
            if self._log:
                self._log.close()

    # -- persistence ---------------------------------------------------------------------
    def _recover(self) -> None:
        for record in self._log.replay():
            if "snapshot" in record:
                self._data = {kv["k"]: _record_kv(kv) for kv in record["kvs"]}
                self._history.clear()
                self._revision = record["snapshot"]
                self._compacted = record["compacted"]
            else:
                prev = self._data.get(record["k"])
                self._apply(Event(record["t"], _record_kv(record), prev))

    def _write_snapshot(self) -> None:
        snapshot = {"snapshot": self._revision, "compacted": self._compacted,
                    "kvs": [_kv_record(kv) for kv in self._data.values()]}
        self._log.rewrite([snapshot, *(_event_record(e) for e in self._history)])


def _kv_record(kv: KeyValue) -> dict:
    return {"k": kv.key, "v": kv.value.decode("utf-8", "surrogateescape"),
            "c": kv.create_revision, "m": kv.mod_revision, "n": kv.version}


def _record_kv(record: dict) -> KeyValue:
    return KeyValue(record["k"], record["v"].encode("utf-8", "surrogateescape"),
                    record["c"], record["m"], record["n"])


def _event_record(event: Event) -> dict:
    return {"t": event.type, **_kv_record(event.kv)}


def check_precondition(key: str, prev: KeyValue | None, expected: int | None) -> None:
    """etcd's compare of a transaction: expected 0 means "must not exist", a revision means
    "must still be at it" (KeyExists, KeyNotFound or RevisionConflict otherwise)."""
    if expected is None:
        return
    if expected == 0 and prev is not None:
        raise KeyExists(key)
    if expected != 0 and prev is None:
        raise KeyNotFound(key)
    if expected != 0 and prev is not None and prev.mod_revision != expected:
        raise RevisionConflict(key, prev)
