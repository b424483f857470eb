"""IndexWriter: a snapshot written by a forked process plus the delta written after it must
give exactly the index a one-go write gives, and a failed or abandoned snapshot must leave
nothing behind."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest

import kubeatlas.graph.store.sqlite.writer as sqlite_write
from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.model.schema import EdgeKind, NodeKind
from kubeatlas.graph.store.sqlite.writer import IndexWriter

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the snapshot writer forks on Linux only")

META = {"tree": "t"}


def structural_graph() -> KubeGraph:
    graph = KubeGraph()
    graph.add_node("pkg:a", NodeKind.PACKAGE, name="a", import_path="a")
    graph.add_node("pkg:b", NodeKind.PACKAGE, name="b", import_path="b")
    for i in range(50):
        graph.add_node(f"func:a.F{i}", NodeKind.FUNCTION, name=f"F{i}", package="a", line=i)
        graph.add_edge("pkg:a", f"func:a.F{i}", EdgeKind.CONTAINS)
    graph.add_edge("pkg:a", "pkg:b", EdgeKind.IMPORTS, files=1, platforms=["all"])
    return graph


def later_stages(graph: KubeGraph) -> None:
    """What the knowledge stages do after the snapshot: new nodes and edges, new attributes on
    an old node, and an old edge updated in place."""
    graph.add_node("pkg:a", NodeKind.PACKAGE, binaries=["kubelet"])
    graph.add_edge("pkg:a", "pkg:b", EdgeKind.IMPORTS, files=2)
    graph.add_node("role:kubelet", NodeKind.ROLE, name="kubelet")
    graph.add_edge("pkg:a", "role:kubelet", EdgeKind.IN_ROLE, how="path")
    for i in range(49):
        graph.add_edge(f"func:a.F{i}", f"func:a.F{i + 1}", EdgeKind.CALLS, count=1)


def tables(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        return {
            "nodes": conn.execute("SELECT * FROM nodes ORDER BY id").fetchall(),
            "edges": conn.execute("SELECT * FROM edges ORDER BY source, target, kind").fetchall(),
            "search": conn.execute("SELECT id, name FROM node_search ORDER BY id").fetchall(),
            "meta": conn.execute("SELECT * FROM meta ORDER BY key").fetchall(),
        }
    finally:
        conn.close()


def one_go(tmp_path: Path) -> dict[str, list[tuple]]:
    graph = structural_graph()
    later_stages(graph)
    db = tmp_path / "one-go.sqlite"
    with IndexWriter(db) as writer:
        writer.finish(graph, meta=META, problems=[], manifest=[])
    return tables(db)


def reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def snapshot_pid(writer: IndexWriter) -> int:
    return writer._running[0]


def test_snapshot_plus_delta_equals_one_go_write(tmp_path):
    graph = structural_graph()
    db = tmp_path / "snap.sqlite"
    progress: list[int] = []
    with IndexWriter(db) as writer:
        writer.snapshot(graph)
        pid = snapshot_pid(writer)
        later_stages(graph)
        writer.finish(graph, meta=META, problems=[], manifest=[], on_progress=progress.append)
    got = tables(db)
    assert got == one_go(tmp_path)
    assert ("pkg:a", "pkg:b", "IMPORTS", '{"files":2,"platforms":["all"]}') in got["edges"]
    assert '"binaries":["kubelet"]' in dict((r[0], r[4]) for r in got["nodes"])["pkg:a"]
    assert sum(progress) == sum(graph.counts().values())
    assert reaped(pid)


def test_two_snapshots_plus_delta_equal_one_go_write(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_write, "MIN_SNAPSHOT_ROWS", 0)  # the second one is tiny
    graph = structural_graph()
    db = tmp_path / "snap.sqlite"
    with IndexWriter(db) as writer:
        writer.snapshot(graph)
        first = snapshot_pid(writer)
        graph.add_node("pkg:a", NodeKind.PACKAGE, files=3)  # changed between the snapshots
        graph.add_edge("func:a.F0", "func:a.F2", EdgeKind.CALLS, count=7)
        while writer._running is not None and writer._running[0] == first:
            writer.snapshot(graph, index=["nodes", "edges"])  # busy: skipped until done
        second = snapshot_pid(writer)
        later_stages(graph)
        writer.finish(graph, meta=META, problems=[], manifest=[])
    expected = structural_graph()
    expected.add_node("pkg:a", NodeKind.PACKAGE, files=3)
    expected.add_edge("func:a.F0", "func:a.F2", EdgeKind.CALLS, count=7)
    later_stages(expected)
    other = tmp_path / "expected.sqlite"
    with IndexWriter(other) as writer:
        writer.finish(expected, meta=META, problems=[], manifest=[])
    assert tables(db) == tables(other)
    assert reaped(first) and reaped(second)


def test_a_small_delta_is_not_worth_a_fork(tmp_path):
    graph = structural_graph()
    db = tmp_path / "snap.sqlite"
    with IndexWriter(db) as writer:
        writer.snapshot(graph)
        first = snapshot_pid(writer)
        writer._reap(block=True)
        later_stages(graph)  # fewer than MIN_SNAPSHOT_ROWS new rows
        writer.snapshot(graph, index=["edges"])
        assert writer._running is None
        writer.finish(graph, meta=META, problems=[], manifest=[])
    assert tables(db) == one_go(tmp_path)
    assert reaped(first)


def test_indexes_built_by_a_snapshot_give_the_same_index(tmp_path):
    graph = structural_graph()
    db = tmp_path / "snap.sqlite"
    with IndexWriter(db) as writer:
        writer.snapshot(graph, index=["nodes"])  # then the edges' (below: no fork)
        writer._reap(block=True)
        later_stages(graph)
        writer.finish(graph, meta=META, problems=[], manifest=[])
    assert tables(db) == one_go(tmp_path)
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    assert sqlite3.connect(db).execute(schema).fetchall() == \
        sqlite3.connect(tmp_path / "one-go.sqlite").execute(schema).fetchall()


def test_a_search_built_by_a_snapshot_follows_later_nodes_and_names(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_write, "MIN_SNAPSHOT_ROWS", 0)
    graph = structural_graph()
    db = tmp_path / "snap.sqlite"
    with IndexWriter(db) as writer:
        writer.snapshot(graph, index=["nodes", "search"])
        writer._reap(block=True)
        graph.add_node("func:a.F7", NodeKind.FUNCTION, name="Renamed")  # renamed after it
        later_stages(graph)  # a new node: role:kubelet
        writer.snapshot(graph, index=["nodes", "edges", "search"])  # appends to the search
        writer._reap(block=True)
        graph.add_node("func:a.Late", NodeKind.FUNCTION, name="Late", package="a")
        graph.add_node("func:a.Late", NodeKind.FUNCTION, line=3)  # new, then changed
        writer.finish(graph, meta=META, problems=[], manifest=[])
    expected = structural_graph()
    expected.add_node("func:a.F7", NodeKind.FUNCTION, name="Renamed")
    later_stages(expected)
    expected.add_node("func:a.Late", NodeKind.FUNCTION, name="Late", package="a", line=3)
    other = tmp_path / "expected.sqlite"
    with IndexWriter(other) as writer:
        writer.finish(expected, meta=META, problems=[], manifest=[])
    got = tables(db)
    assert got == tables(other)
    assert ("func:a.F7", "Renamed") in got["search"] and ("func:a.Late", "Late") in got["search"]
    assert len(got["search"]) == len(got["nodes"]) == len({nid for nid, _ in got["search"]})
    found = sqlite3.connect(db).execute(
        "SELECT id FROM node_search WHERE name MATCH '\"enamed\"'").fetchall()
    assert found == [("func:a.F7",)]


def test_failed_snapshot_falls_back_to_writing_everything(tmp_path, monkeypatch, capfd):
    parent = os.getpid()
    real_reset = sqlite_write._reset

    def reset_failing_in_child(conn):
        if os.getpid() != parent:
            raise OSError("disk full")
        real_reset(conn)

    monkeypatch.setattr(sqlite_write, "_reset", reset_failing_in_child)
    graph = structural_graph()
    db = tmp_path / "snap.sqlite"
    with IndexWriter(db) as writer:
        writer.snapshot(graph)
        pid = snapshot_pid(writer)
        later_stages(graph)
        writer.finish(graph, meta=META, problems=[], manifest=[])
    assert tables(db) == one_go(tmp_path)
    assert "background index writer failed (disk full)" in capfd.readouterr().err
    assert reaped(pid)


def test_a_snapshot_failing_after_its_rows_falls_back_to_a_fresh_file(tmp_path, monkeypatch, capfd):
    """No journal: a writer that fails in the middle of appending leaves a torn file (pages of
    the committed tables rewritten in place); finish() starts over on an empty one."""
    monkeypatch.setattr(sqlite_write, "MIN_SNAPSHOT_ROWS", 0)
    parent = os.getpid()
    real_append = sqlite_write._append_delta

    def append_failing_in_child(conn, delta, on_progress):
        if os.getpid() != parent:
            conn.execute("PRAGMA cache_size=1")  # pages spill to the file, uncommitted
            real_append(conn, delta, on_progress)
            conn.executemany("INSERT INTO nodes VALUES (?, 'x', 'x', NULL, '{}')",
                             [(f"torn{i:05}" * 20,) for i in range(3000)])
            raise OSError("killed")
        real_append(conn, delta, on_progress)

    monkeypatch.setattr(sqlite_write, "_append_delta", append_failing_in_child)
    graph = structural_graph()
    for i in range(3000):
        graph.add_node(f"func:b.G{i:05}", NodeKind.FUNCTION, name=f"G{i}" * 10, package="b")
    db = tmp_path / "snap.sqlite"
    with IndexWriter(db) as writer:
        writer.snapshot(graph, index=["nodes", "search"])
        writer._reap(block=True)
        later_stages(graph)
        writer.snapshot(graph, index=["nodes", "edges", "search"])
        writer.finish(graph, meta=META, problems=[], manifest=[])
    expected = structural_graph()
    for i in range(3000):
        expected.add_node(f"func:b.G{i:05}", NodeKind.FUNCTION, name=f"G{i}" * 10, package="b")
    later_stages(expected)
    other = tmp_path / "expected.sqlite"
    with IndexWriter(other) as writer:
        writer.finish(expected, meta=META, problems=[], manifest=[])
    assert tables(db) == tables(other)
    assert "background index writer failed (killed)" in capfd.readouterr().err


def test_abandoned_snapshot_leaves_the_old_index_and_no_child(tmp_path):
    db = tmp_path / "snap.sqlite"
    db.write_bytes(b"the previous index")
    graph = structural_graph()
    with pytest.raises(KeyboardInterrupt), IndexWriter(db) as writer:
        writer.snapshot(graph)
        pid = snapshot_pid(writer)
        raise KeyboardInterrupt
    assert db.read_bytes() == b"the previous index"
    assert [p.name for p in tmp_path.iterdir()] == ["snap.sqlite"]
    assert reaped(pid)


def test_off_linux_the_index_is_written_in_one_go(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    graph = structural_graph()
    db = tmp_path / "snap.sqlite"
    with IndexWriter(db) as writer:
        writer.snapshot(graph)
        assert writer._running is None  # no child forked
        later_stages(graph)
        writer.finish(graph, meta=META, problems=[], manifest=[])
    assert tables(db) == one_go(tmp_path)


def test_the_new_index_is_on_disk_before_it_replaces_the_old_one(tmp_path, monkeypatch):
    """finish() syncs the whole temp file, then renames it over the old index, then syncs the
    directory: a power loss at any point leaves the old index or the whole new one."""
    db = tmp_path / "durable.sqlite"
    db.write_bytes(b"the old index")
    happened: list[tuple[str, object]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        happened.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src, dst) -> None:
        happened.append(("replace", Path(dst).name))
        real_replace(src, dst)

    monkeypatch.setattr(sqlite_write.os, "fsync", fsync)
    monkeypatch.setattr(sqlite_write.os, "replace", replace)
    graph = structural_graph()
    with IndexWriter(db) as writer:
        tmp = str(writer._tmp)
        writer.finish(graph, meta=META, problems=[], manifest=[])
    assert happened == [("fsync", tmp), ("replace", db.name), ("fsync", str(tmp_path))]
    assert tables(db)["nodes"]
