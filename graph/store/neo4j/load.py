"""Load an index file into Neo4j as one tree, side by side with others: schema first, then
batched UNWIND writes; a reload replaces just that tree, and a tree can be deleted alone.

Every node carries `tree` and `id` (unique together) and the labels `Node` and its kind;
every relationship carries `tree`. A `LoadedTree` node per tree records the index's meta,
its counts (verified against the index after the load), its problems and whether the load
completed: readers refuse a tree whose load was interrupted, and the next load redoes it."""

from __future__ import annotations

import json
import sqlite3
import time
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kubeatlas.errors import StoreUnavailable
from kubeatlas.graph.model.progress import Progress, SilentProgress
from kubeatlas.graph.store.neo4j.connection import Neo4jStore
from kubeatlas.graph.store.neo4j.props import edge_properties, node_properties
from kubeatlas.graph.store.neo4j.reader import list_trees
from kubeatlas.graph.store.sqlite.reader import SqliteReader
from kubeatlas.graph.store.sqlite.sandbox import connect_readonly

Rows = list[list[Any]]  # what Neo4jStore.write answers
Done = Callable[[Rows, int], None]  # told each batch's answer and row count, in order

DEFAULT_BATCH = 10_000  # rows per UNWIND transaction; see bench/neo4j_load.py
DELETE_BATCH = 10_000
SCHEMA = (
    "CREATE CONSTRAINT kubeatlas_node_key IF NOT EXISTS FOR (n:Node) REQUIRE (n.tree, n.id) "
    "IS UNIQUE",
    "CREATE CONSTRAINT kubeatlas_tree_key IF NOT EXISTS FOR (t:LoadedTree) REQUIRE t.tree "
    "IS UNIQUE",
    "CREATE INDEX kubeatlas_node_tree IF NOT EXISTS FOR (n:Node) ON (n.tree)",
    "CREATE TEXT INDEX kubeatlas_node_name IF NOT EXISTS FOR (n:Node) ON (n.name_lc)",
    "CREATE INDEX kubeatlas_package_path IF NOT EXISTS FOR (n:Package) ON (n.import_path)",
    "CREATE INDEX kubeatlas_package_dir IF NOT EXISTS FOR (n:Package) ON (n.dir)",
)


@dataclass(frozen=True, slots=True)
class LoadSummary:
    tree: str
    nodes: int
    edges: int
    batch_size: int
    replaced: bool
    phases: dict[str, float]

    @property
    def seconds(self) -> float:
        return round(sum(self.phases.values()), 3)

    @property
    def entities_per_s(self) -> float:
        load = self.phases.get("nodes", 0) + self.phases.get("edges", 0)
        return round((self.nodes + self.edges) / load, 1) if load else 0.0

    def as_json(self) -> dict[str, Any]:
        return {"tree": self.tree, "nodes": self.nodes, "edges": self.edges,
                "batch_size": self.batch_size, "replaced": self.replaced, "phases": self.phases,
                "seconds": self.seconds, "entities_per_s": self.entities_per_s}


def ensure_schema(store: Neo4jStore) -> None:
    for statement in SCHEMA:
        store.write(statement)
    store.write("CALL db.awaitIndexes(300)")


def load_index(store: Neo4jStore, db: Path, *, tree: str | None = None, batch_size: int = DEFAULT_BATCH,
               progress: Progress | None = None) -> LoadSummary:
    """Load index file `db` as tree `tree` (default: the index's own tree name), replacing a
    tree of that name if one is loaded; other trees are not touched."""
    progress = progress or SilentProgress()
    index = SqliteReader(Path(db))
    phases: dict[str, float] = {}
    try:
        name = tree or str(index.meta.get("tree") or Path(db).stem)
        started = time.perf_counter()
        ensure_schema(store)
        phases["schema"] = _lap(started)
        replaced = delete_tree(store, name, progress=progress)
        phases["delete"] = _lap(started) - phases["schema"]
        store.write("CREATE (t:LoadedTree {tree: $tree, complete: false, source: $source, "
                    "started_at: $now})", {"tree": name, "source": str(db), "now": _now()})
        conn = connect_readonly(Path(db))
        try:
            mark = time.perf_counter()
            element_ids, nodes = _load_nodes(store, conn, name, batch_size, progress)
            phases["nodes"] = _lap(mark)
            mark = time.perf_counter()
            edges = _load_edges(store, conn, name, element_ids, batch_size, progress)
            phases["edges"] = _lap(mark)
            expected = _index_counts(conn)
        finally:
            conn.close()
        mark = time.perf_counter()
        progress.start("verify", None)
        counts = verify_counts(store, name, expected)
        store.write("MATCH (t:LoadedTree {tree: $tree}) SET t.complete = true, t.loaded_at = $now,"
                    " t.meta_json = $meta, t.counts_json = $counts, t.problems_json = $problems,"
                    " t.nodes = $nodes, t.edges = $edges, t.batch_size = $batch",
                    {"tree": name, "now": _now(), "nodes": nodes, "edges": edges,
                     "meta": json.dumps(index.tree_info(), sort_keys=True, default=list),
                     "counts": json.dumps(counts, sort_keys=True),
                     "problems": json.dumps(index.problems()), "batch": batch_size})
        phases["verify"] = _lap(mark)
    finally:
        index.close()
    return LoadSummary(name, nodes, edges, batch_size, replaced, phases)


class _Writer:
    """Send batches from a background thread, at most `depth` in flight, so the next batch is
    built (SQLite read, JSON, properties) while the server writes the previous one. Results are
    handed to `done` in order, on the caller's thread; a failure surfaces on the next call."""

    def __init__(self, store: Neo4jStore, depth: int = 2) -> None:
        self._store = store
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="neo4j-load")
        self._pending: deque[tuple[Future[Rows], Done, int]] = deque()
        self._depth = depth

    def submit(self, query: str, rows: Sequence[object], done: Done) -> None:
        self._pending.append((self._pool.submit(self._store.write, query, {"rows": rows}),
                              done, len(rows)))
        while len(self._pending) > self._depth:
            self._finish_one()

    def drain(self) -> None:
        while self._pending:
            self._finish_one()

    def _finish_one(self) -> None:
        future, done, count = self._pending.popleft()
        done(future.result(), count)

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        for future, _, _ in self._pending:
            future.cancel()
        self._pool.shutdown(wait=True)


def _load_nodes(store: Neo4jStore, conn: sqlite3.Connection, tree: str, batch: int,
                progress: Progress) -> tuple[dict[str, str], int]:
    total = conn.execute("SELECT count(*) FROM nodes").fetchone()[0]
    progress.start("nodes", total)
    element_ids: dict[str, str] = {}
    rows_by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def done(result: Rows, count: int) -> None:
        element_ids.update(result[0][0])
        progress.advance(count)

    with _Writer(store) as writer:
        def flush(kind: str) -> None:
            rows = rows_by_kind.pop(kind, [])
            if rows:
                writer.submit(f"UNWIND $rows AS r CREATE (n:Node:{_label(kind)}) SET n = r "
                              "RETURN collect([r.id, elementId(n)])", rows, done)

        for nid, kind, attrs in conn.execute(
                "SELECT id, kind, attrs FROM nodes ORDER BY kind, id"):
            rows_by_kind[kind].append(node_properties(tree, nid, kind, json.loads(attrs), attrs))
            if len(rows_by_kind[kind]) >= batch:
                flush(kind)
        for kind in list(rows_by_kind):
            flush(kind)
        writer.drain()
    return element_ids, len(element_ids)


def _load_edges(store: Neo4jStore, conn: sqlite3.Connection, tree: str, element_ids: dict[str, str],
                batch: int, progress: Progress) -> int:
    total = conn.execute("SELECT count(*) FROM edges").fetchone()[0]
    progress.start("edges", total)
    written = 0
    rows: list[list[Any]] = []
    current = ""  # the kind of the edges in rows (set before rows fill)

    def done(_result: Rows, count: int) -> None:
        nonlocal written
        written += count
        progress.advance(count)

    with _Writer(store) as writer:
        for source, target, kind, attrs in conn.execute(
                "SELECT source, target, kind, attrs FROM edges ORDER BY kind, source, target"):
            if (kind != current or len(rows) >= batch) and rows:
                writer.submit(_EDGE_WRITE % _label(current), rows, done)
                rows = []
            current = kind
            try:
                rows.append([element_ids[source], element_ids[target],
                             edge_properties(tree, json.loads(attrs), attrs)])
            except KeyError as exc:
                raise StoreUnavailable(f"the index has a {kind} edge to a missing node {exc}; "
                                       "re-run `kubeatlas index`", tree=tree) from None
        if rows:
            writer.submit(_EDGE_WRITE % _label(current), rows, done)
        writer.drain()
    return written


_EDGE_WRITE = ("UNWIND $rows AS r MATCH (a) WHERE elementId(a) = r[0] "  # lists pack faster
               "MATCH (b) WHERE elementId(b) = r[1] CREATE (a)-[e:%s]->(b) SET e = r[2]")


def delete_tree(store: Neo4jStore, tree: str, *, progress: Progress | None = None) -> bool:
    """Remove one tree (its nodes, relationships and LoadedTree record); False if absent."""
    progress = progress or SilentProgress()
    existing = store.read("MATCH (t:LoadedTree {tree: $tree}) RETURN count(t)", {"tree": tree})
    total = store.read("MATCH (n:Node {tree: $tree}) RETURN count(n)", {"tree": tree})[0][0]
    if not existing[0][0] and not total:
        return False
    progress.start("delete", total)
    store.write("MATCH (t:LoadedTree {tree: $tree}) SET t.complete = false", {"tree": tree})
    while True:
        deleted = store.write("MATCH (n:Node {tree: $tree}) WITH n LIMIT $batch "
                              "DETACH DELETE n RETURN count(*)",
                              {"tree": tree, "batch": DELETE_BATCH})[0][0]
        progress.advance(deleted)
        if not deleted:
            break
    store.write("MATCH (t:LoadedTree {tree: $tree}) DELETE t", {"tree": tree})
    return True


def verify_counts(store: Neo4jStore, tree: str, expected: dict[str, int]) -> dict[str, int]:
    """Count what the server holds for `tree`; refuse a load that lost or doubled anything."""
    counts: dict[str, int] = {kind: n for kind, n in store.read(
        "MATCH (n:Node {tree: $tree}) RETURN n.kind, count(*)", {"tree": tree})}
    counts.update((rel, n) for rel, n in store.read(
        "MATCH (:Node {tree: $tree})-[r]->() RETURN type(r), count(*)", {"tree": tree}))
    counts = dict(sorted(counts.items()))
    if counts != expected:
        diff = sorted(k for k in set(counts) | set(expected) if counts.get(k) != expected.get(k))
        detail = ", ".join(f"{k} {counts.get(k, 0)} vs {expected.get(k, 0)}" for k in diff[:5])
        raise StoreUnavailable(f"load of tree {tree!r} does not match the index ({detail}); "
                               "run `kubeatlas load` again", tree=tree)
    return counts


def _index_counts(conn: sqlite3.Connection) -> dict[str, int]:
    counts = dict(conn.execute("SELECT kind, count(*) FROM nodes GROUP BY kind"))
    counts.update(conn.execute("SELECT kind, count(*) FROM edges GROUP BY kind"))
    return dict(sorted(counts.items()))


def trees(store: Neo4jStore) -> list[dict[str, Any]]:
    return [{k: v for k, v in t.items() if k not in ("meta", "counts")} for t in list_trees(store)]


def _label(kind: str) -> str:
    if not kind.replace("_", "").isalnum() or not kind[:1].isalpha():
        raise StoreUnavailable(f"the index has an unusable kind {kind!r}", kind=kind)
    return f"`{kind}`"


def _lap(since: float) -> float:
    return round(time.perf_counter() - since, 3)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
