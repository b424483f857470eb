"""Write a KubeGraph (plus problems and manifest) to one SQLite file, atomically."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from graph.kubegraph import KubeGraph
from graph.store.attrs_json import dump_json

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
INDEXES = """
CREATE INDEX nodes_kind ON nodes(kind, name);
CREATE INDEX nodes_package ON nodes(package);
CREATE INDEX edges_source ON edges(source, kind);
CREATE INDEX edges_target ON edges(target, kind);
CREATE VIRTUAL TABLE node_search USING fts5(id UNINDEXED, name, tokenize='trigram');
INSERT INTO node_search(id, name) SELECT id, name FROM nodes;
"""

_BATCH = 20_000


def write_index(
    graph: KubeGraph,
    path: Path,
    *,
    meta: Mapping[str, Any],
    problems: Iterable[tuple[str, str, str, int]],
    manifest: Iterable[tuple[str, int, int]],
    on_progress: Callable[[int], None] = lambda n: None,
    meanwhile: Callable[[], None] = lambda: None,
) -> None:
    """Write the whole index to a temp file beside `path`, then rename it into place: an
    interrupted or failed write leaves the previous index untouched. `meanwhile` runs while
    SQLite builds the indexes and the search table (C code that releases the GIL)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp, check_same_thread=False)
        try:
            conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
            conn.executescript(SCHEMA)
            _insert_all(conn, graph, meta, problems, manifest, on_progress)
            with ThreadPoolExecutor(max_workers=1) as pool:
                indexing = pool.submit(conn.executescript, INDEXES)
                try:
                    meanwhile()
                finally:
                    indexing.result()
            conn.commit()
        finally:
            conn.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _insert_all(conn, graph, meta, problems, manifest, on_progress) -> None:
    meta = {**meta, "schema_version": SCHEMA_VERSION}
    meta_rows = [(k, dump_json(v)) for k, v in meta.items()]
    conn.executemany("INSERT INTO meta VALUES (?, ?)", meta_rows)
    batch: list[tuple] = []
    for nid, kind, attrs in graph.node_rows():
        batch.append((nid, kind, attrs.get("name", ""), attrs.get("package"), dump_json(attrs)))
        if len(batch) >= _BATCH:
            conn.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?, ?)", batch)
            on_progress(len(batch))
            batch.clear()
    conn.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?, ?)", batch)
    on_progress(len(batch))
    batch.clear()
    for source, target, kind, attrs in graph.edge_rows():
        batch.append((source, target, kind, "{}" if attrs is None else dump_json(attrs)))
        if len(batch) >= _BATCH:
            conn.executemany("INSERT INTO edges VALUES (?, ?, ?, ?)", batch)
            on_progress(len(batch))
            batch.clear()
    conn.executemany("INSERT INTO edges VALUES (?, ?, ?, ?)", batch)
    on_progress(len(batch))
    conn.executemany("INSERT INTO problems VALUES (?, ?, ?, ?)", problems)
    conn.executemany("INSERT INTO manifest VALUES (?, ?, ?)", manifest)
