"""Write a KubeGraph (plus problems and manifest) to one SQLite file, atomically."""

from __future__ import annotations

import gc
import os
import signal
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import Any

from kubeatlas.graph.model.kubegraph import EdgeRow, GraphDelta, GraphMark, KubeGraph, NodeRow
from kubeatlas.graph.store.attrs_json import dump_json
from kubeatlas.graph.store.sqlite.target import hold, remove_stale_temps

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE nodes (id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT, package TEXT,
                    attrs TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE edges (source TEXT NOT NULL, target TEXT NOT NULL, kind TEXT NOT NULL,
                    attrs TEXT NOT NULL);
CREATE TABLE problems (file TEXT NOT NULL, kind TEXT NOT NULL, message TEXT, line INTEGER);
CREATE TABLE manifest (path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER) WITHOUT ROWID;
"""
# A table's indexes, and the name search, may be built by a snapshot writer (the rows after it
# are then few); finish() builds what none has. Once the search table exists, every later
# append keeps it in step with the nodes (the readers order their results by node, never by
# the search table's rowids).
TABLE_INDEXES = {
    "nodes": "CREATE INDEX IF NOT EXISTS nodes_kind ON nodes(kind, name);\n"
             "CREATE INDEX IF NOT EXISTS nodes_package ON nodes(package);\n",
    "edges": "CREATE INDEX IF NOT EXISTS edges_source ON edges(source, kind);\n"
             "CREATE INDEX IF NOT EXISTS edges_target ON edges(target, kind);\n",
}
# columnsize=0: no per-row token counts (nothing ranks by length; the build is 20 % faster)
SEARCH = """
CREATE VIRTUAL TABLE node_search USING fts5(id UNINDEXED, name, tokenize='trigram', columnsize=0);
INSERT INTO node_search(id, name) SELECT id, name FROM nodes;
"""

_BATCH = 20_000
# Fewer new rows than this are not worth a fork: a forked child makes every page the parent
# writes while it lives a copy-on-write fault (~1 GB of heap), and finish() appends them fast.
MIN_SNAPSHOT_ROWS = 20_000


class IndexWriter:
    """One index in the making: a temp file beside `path` that finish() renames into place.
    Leaving the `with` block without finish() (an error, Ctrl-C) removes the temp file, so the
    previous index stays untouched.

    snapshot(graph) hands the graph as it stands to a forked process that writes it (or what
    was added or changed since the last snapshot) while this one goes on: the build's second
    half, the knowledge stages. finish() waits for the last one and appends the rest. Off Linux,
    or after a snapshot writer failed, finish() writes everything."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)  # what may be replaced is the caller's to check (check_target)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(self.path)  # left by runs that were killed (SIGKILL, power loss)
        fd, tmp_name = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.",
                                        suffix=".tmp")
        hold(fd)  # held until the writer is done: a later run's cleanup leaves this file alone
        self._fd = fd
        self._tmp = Path(tmp_name)
        self._running: tuple[int, GraphMark] | None = None  # (writer pid, mark it writes up to)
        self._written: GraphMark | None = None  # what the temp file holds, when trustworthy
        self._broken = False  # a snapshot writer failed: the file is rewritten by finish()
        self._done = False

    def __enter__(self) -> IndexWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self._done:
            if self._running is not None:
                with suppress(ProcessLookupError):
                    os.kill(self._running[0], signal.SIGKILL)
                self._reap(block=True)
            self._tmp.unlink(missing_ok=True)
        os.close(self._fd)

    def snapshot(self, graph: KubeGraph, *, index: Iterable[str] = ()) -> None:
        """Start writing the graph as it stands now in a forked process, unless the previous
        one is still busy or fewer than MIN_SNAPSHOT_ROWS rows were added since the last one
        (Linux only: elsewhere forking a threaded process is not safe). `index`: the tables
        ("nodes", "edges") whose indexes the process also builds: those into which the rows
        still to come are few, and "search" for the name search."""
        if not sys.platform.startswith("linux") or self._broken:
            return
        if self._running is not None and not self._reap(block=False):
            return  # still writing; a later snapshot or finish() covers this
        since = self._written
        if self._broken or (since is not None and len(graph) - since.nodes
                            + graph.edge_count - since.edges < MIN_SNAPSHOT_ROWS):
            return
        pid = os.fork()
        if pid == 0:
            _write_snapshot_and_exit(graph, self._tmp, self._fd, since, tuple(index))
        self._running = (pid, graph.mark())  # no change between the fork and the mark

    def finish(
        self,
        graph: KubeGraph,
        *,
        meta: Mapping[str, Any],
        problems: Iterable[tuple[str, str, str, int]],
        manifest: Iterable[tuple[str, int, int]],
        on_progress: Callable[[int], None] = lambda n: None,
        while_waiting: Callable[[], None] = lambda: None,
        once_written: Callable[[], None] = lambda: None,
    ) -> None:
        """Complete the index and rename it into place. `while_waiting` runs first, while the
        last snapshot writer (if any) finishes: work that needs neither the file nor the
        graph. `once_written` runs when the graph is no longer needed, while SQLite builds the
        remaining indexes and the file is synced (C code that releases the GIL)."""
        while_waiting()
        if self._running is not None:
            self._reap(block=True)
        written = None if self._broken else self._written
        if written is None:  # a failed writer may have left half a transaction (no journal)
            os.ftruncate(self._fd, 0)
        conn = _connect(self._tmp)
        try:
            if written is None:
                _reset(conn)
                _insert_rows(conn, graph.node_rows(), graph.edge_rows(), on_progress)
            else:
                on_progress(written.nodes + written.edges)  # written by the snapshots
                _append_delta(conn, graph.rows_since(written), on_progress)
            _insert_tables(conn, meta, problems, manifest)
            conn.commit()  # the rows: the indexing thread's first step is then an index's
            indexes, started = _indexes(conn, [*TABLE_INDEXES, "search"]), threading.Event()
            with ThreadPoolExecutor(max_workers=1) as pool:
                completing = pool.submit(_complete, conn, indexes, self._fd, started)
                try:
                    started.wait()  # it holds the GIL until SQLite's first step lets go of it,
                    once_written()  # so that this (which may keep the GIL) overlaps that step
                finally:
                    completing.result()
        finally:
            conn.close()
        os.chmod(self._tmp, 0o644)
        os.replace(self._tmp, self.path)  # synced by _complete: a power loss after the rename
        _sync_directory(self.path.parent)  # finds the whole new index, never a torn one
        self._done = True

    def _reap(self, *, block: bool) -> bool:
        """Collect the running snapshot writer; False if it is still running (block=False).
        Its success moves `_written` up to its mark; a failure marks the file broken."""
        assert self._running is not None
        pid, mark = self._running
        done, status = os.waitpid(pid, 0 if block else os.WNOHANG)
        if done == 0:
            return False
        self._running = None
        if os.waitstatus_to_exitcode(status) == 0:
            self._written = mark
        else:
            self._broken = True
        return True


def _write_snapshot_and_exit(graph: KubeGraph, tmp: Path, fd: int, since: GraphMark | None,
                             index: tuple[str, ...]) -> None:
    """In the forked child: write the graph (or what changed since the last snapshot) and put
    it on disk (finish() then syncs only what comes after), then leave at once (no atexit
    handlers, no flushing of the parent's buffers)."""
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        gc.disable()  # a short-lived copy: collecting would only duplicate the parent's pages
        conn = _connect(tmp)
        if since is None:
            _reset(conn)
            _insert_rows(conn, graph.node_rows(), graph.edge_rows(), lambda n: None)
        else:
            _append_delta(conn, graph.rows_since(since), lambda n: None)
        conn.executescript(_indexes(conn, index))
        conn.commit()
        conn.close()
        os.fsync(fd)
        status = 0
    except BaseException as exc:  # the parent sees the status and writes everything itself
        with suppress(OSError):
            os.write(2, f"kubeatlas: background index writer failed ({exc}); "
                        "writing in the foreground\n".encode())
    finally:
        os._exit(status)


def _complete(conn: sqlite3.Connection, indexes: str, fd: int, started: threading.Event) -> None:
    """Build the remaining indexes, commit, and put the file on disk (before the rename)."""
    started.set()
    conn.executescript(indexes)
    conn.commit()
    conn.close()
    os.fsync(fd)


def _indexes(conn: sqlite3.Connection, tables: Iterable[str]) -> str:
    """The SQL that builds the indexes of `tables` (keys of TABLE_INDEXES, or "search") that
    the file does not have yet."""
    tables = set(tables)
    sql = "".join(TABLE_INDEXES[table] for table in TABLE_INDEXES if table in tables)
    return sql + (SEARCH if "search" in tables and not _has_search(conn) else "")


def _has_search(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'node_search'").fetchone() is not None


def _sync_directory(directory: Path) -> None:
    """Make a rename in directory durable (where the platform lets a directory be opened)."""
    with suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _connect(tmp: Path) -> sqlite3.Connection:
    """A connection to the temp file: 16 KiB pages for a new file (its inserts and index
    builds ~5 % cheaper than with 4 KiB), no journal, no syncs (one fsync before the rename is
    what commits), and sorter threads for CREATE INDEX; usable from the indexing thread."""
    conn = sqlite3.connect(tmp, check_same_thread=False)
    conn.executescript("PRAGMA page_size=16384; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                       "PRAGMA threads=2;")
    return conn


def _reset(conn: sqlite3.Connection) -> None:
    conn.executescript("DROP TABLE IF EXISTS node_search; "
                       "DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS nodes; "
                       "DROP TABLE IF EXISTS edges; DROP TABLE IF EXISTS problems; "
                       "DROP TABLE IF EXISTS manifest;")
    conn.executescript(SCHEMA)


def _insert_rows(conn: sqlite3.Connection, nodes: Iterable[NodeRow], edges: Iterable[EdgeRow],
                 on_progress: Callable[[int], None]) -> None:
    _insert_batched(conn, "INSERT INTO nodes VALUES (?, ?, ?, ?, ?)",
                    ((nid, kind, attrs.get("name", ""), attrs.get("package"), dump_json(attrs))
                     for nid, kind, attrs in nodes), on_progress)
    _insert_batched(conn, "INSERT INTO edges VALUES (?, ?, ?, ?)",
                    ((source, target, kind, "{}" if attrs is None else dump_json(attrs))
                     for source, target, kind, attrs in edges), on_progress)


def _append_delta(conn: sqlite3.Connection, delta: GraphDelta, on_progress: Callable[[int], None]) -> None:
    new_nodes, changed_nodes = list(delta.new_nodes), list(delta.changed_nodes)
    renamed = _renamed(conn, changed_nodes) if _has_search(conn) else None
    _insert_rows(conn, new_nodes, delta.new_edges, on_progress)
    conn.executemany("UPDATE nodes SET kind = ?, name = ?, package = ?, attrs = ? WHERE id = ?",
                     [(kind, attrs.get("name", ""), attrs.get("package"), dump_json(attrs), nid)
                      for nid, kind, attrs in changed_nodes])
    conn.executemany("UPDATE edges SET attrs = ? WHERE rowid = ?",  # rowids follow edge order
                     [("{}" if attrs is None else dump_json(attrs), position + 1)
                      for position, attrs in delta.changed_edges])
    if renamed is not None:  # the search was built by an earlier snapshot: keep it in step
        if renamed:  # one pass over the search table (its id column has no index)
            conn.execute("DELETE FROM node_search WHERE id IN (SELECT value FROM json_each(?))",
                         (dump_json(list(renamed)),))
        conn.executemany("INSERT INTO node_search(id, name) VALUES (?, ?)",
                         [*renamed.items(), *((nid, attrs.get("name", "")) for nid, _, attrs in new_nodes)])


def _renamed(conn: sqlite3.Connection, changed_nodes: list[NodeRow]) -> dict[str, str]:
    """The new names of the changed nodes, already written, whose name changed (most changes
    are attributes, and rewriting a full-text row costs more than reading a name)."""
    names = {nid: attrs.get("name", "") for nid, _, attrs in changed_nodes}
    if not names:
        return {}
    old = dict(conn.execute("SELECT id, name FROM nodes WHERE id IN (SELECT value FROM json_each(?))",
                            (dump_json(list(names)),)))
    return {nid: name for nid, name in names.items() if nid in old and old[nid] != name}


def _insert_batched(conn: sqlite3.Connection, sql: str, rows: Iterable[tuple[object, ...]],
                    on_progress: Callable[[int], None]) -> None:
    batch: list[tuple[object, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            conn.executemany(sql, batch)
            on_progress(len(batch))
            batch.clear()
    conn.executemany(sql, batch)
    on_progress(len(batch))


def _insert_tables(conn: sqlite3.Connection, meta: Mapping[str, Any], problems: Iterable[tuple[str, str, str, int]],
                   manifest: Iterable[tuple[str, int, int]]) -> None:
    meta = {**meta, "schema_version": SCHEMA_VERSION}
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [(k, dump_json(v)) for k, v in meta.items()])
    conn.executemany("INSERT INTO problems VALUES (?, ?, ?, ?)", problems)
    conn.executemany("INSERT INTO manifest VALUES (?, ?, ?)", manifest)
