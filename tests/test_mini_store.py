"""The etcd-like store: revisions, compare-and-swap, watch from a revision, compaction, persistence."""

from __future__ import annotations

import threading

import pytest

from kubeatlas.minik8s.store import (
    DELETE,
    PUT,
    Compacted,
    KeyExists,
    KeyNotFound,
    RevisionConflict,
    Store,
    WatchClosed,
)


def test_revisions_are_global_and_per_key():
    store = Store()
    a1 = store.put("/a", b"1")
    b1 = store.put("/b", b"1")
    a2 = store.put("/a", b"2")
    assert (a1.mod_revision, b1.mod_revision, a2.mod_revision) == (2, 3, 4)
    assert (a2.create_revision, a2.version) == (2, 2)
    assert store.revision == 4
    assert store.get("/a").value == b"2"
    items, rev = store.range("/")
    assert [kv.key for kv in items] == ["/a", "/b"] and rev == 4


@pytest.mark.parametrize("expect, error", [(0, KeyExists), (99, RevisionConflict)])
def test_compare_and_swap_refuses_stale_writes(expect, error):
    store = Store()
    store.put("/k", b"v")
    with pytest.raises(error):
        store.put("/k", b"w", expect_mod_revision=expect)
    assert store.get("/k").value == b"v" and store.revision == 2


def test_cas_on_missing_key_and_delete():
    store = Store()
    with pytest.raises(KeyNotFound):
        store.put("/nope", b"x", expect_mod_revision=5)
    kv = store.put("/k", b"v", expect_mod_revision=0)
    with pytest.raises(RevisionConflict):
        store.delete("/k", expect_mod_revision=kv.mod_revision + 1)
    prev = store.delete("/k", expect_mod_revision=kv.mod_revision)
    assert prev.value == b"v" and store.get("/k") is None
    with pytest.raises(KeyNotFound):
        store.delete("/k")


def test_concurrent_cas_exactly_one_wins():
    store = Store()
    kv = store.put("/k", b"0")
    results = []
    barrier = threading.Barrier(8)

    def writer(i):
        barrier.wait()
        try:
            store.put("/k", str(i).encode(), expect_mod_revision=kv.mod_revision)
            results.append("ok")
        except RevisionConflict:
            results.append("conflict")

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict"] * 7 + ["ok"]


def test_watch_replays_history_then_streams_live():
    store = Store()
    store.put("/pods/a", b"1")
    start = store.revision + 1
    store.put("/pods/b", b"1")
    store.put("/other", b"x")
    store.delete("/pods/a")
    watcher = store.watch("/pods/", start)
    store.put("/pods/c", b"1")
    events = [watcher.get(1) for _ in range(3)]
    assert [(e.type, e.kv.key) for e in events] == [(PUT, "/pods/b"), (DELETE, "/pods/a"), (PUT, "/pods/c")]
    assert events[1].prev_kv.value == b"1"
    assert [e.revision for e in events] == sorted(e.revision for e in events)
    assert watcher.get(0.05) is None
    watcher.stop()
    with pytest.raises(WatchClosed):
        watcher.get(0.05)


def test_compaction_drops_history_and_refuses_old_watches():
    store = Store()
    for i in range(5):
        store.put("/k", str(i).encode())
    store.compact(4)
    with pytest.raises(Compacted) as exc:
        store.watch("/", 2)
    assert exc.value.compacted == 4
    events = store.watch("/", 4)
    assert events.get(0.1).revision == 4


def test_slow_watcher_is_dropped_not_the_store():
    store = Store()
    watcher = store.watch("/", 1, capacity=3)
    for i in range(10):
        store.put(f"/k{i}", b"x")
    got = []
    with pytest.raises(WatchClosed):
        while True:
            event = watcher.get(0.1)
            if event is None:
                break
            got.append(event)
    assert len(got) == 3 and store.revision == 11


def test_file_persistence_survives_restart_and_compaction(tmp_path):
    path = tmp_path / "store.wal"
    store = Store(path)
    store.put("/a", b"1")
    store.put("/b", "żółw".encode())
    store.delete("/a")
    store.compact(store.revision)
    store.put("/c", b"3")
    revision = store.revision
    store.close()
    again = Store(path)
    assert again.revision == revision
    assert again.get("/a") is None and again.get("/b").value == "żółw".encode()
    assert again.get("/c").mod_revision == revision
    assert again.compacted_revision == 4
    with pytest.raises(Compacted):
        again.watch("/", 2)
    again.close()


def test_torn_last_record_is_ignored(tmp_path):
    path = tmp_path / "store.wal"
    store = Store(path)
    store.put("/a", b"1")
    store.close()
    with open(path, "a", encoding="utf-8") as fh:
        fh.write('{"t": "PUT", "k": "/b", "v"')  # power cut mid-write
    again = Store(path)
    assert again.get("/a").value == b"1" and again.get("/b") is None
