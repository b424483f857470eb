"""Load a whole index file back into a KubeGraph (for export and whole-graph work)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kubeatlas.errors import IndexCorrupt
from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.model.schema import EdgeKind, NodeKind
from kubeatlas.graph.store.attrs_json import load_json
from kubeatlas.graph.store.sqlite.reader import SqliteReader
from kubeatlas.graph.store.sqlite.sandbox import connect_readonly


def load_graph(path: Path) -> KubeGraph:
    path = Path(path)
    SqliteReader(path).close()  # missing, not an index, another version: one-line errors
    graph = KubeGraph()
    conn = connect_readonly(path)
    try:
        for nid, kind, attrs in conn.execute("SELECT id, kind, attrs FROM nodes ORDER BY id"):
            graph.add_node(nid, NodeKind(kind), **load_json(attrs))
        for s, t, kind, attrs in conn.execute(
                "SELECT source, target, kind, attrs FROM edges ORDER BY source, target, kind"):
            graph.add_edge(s, t, EdgeKind(kind), **load_json(attrs))
    except (sqlite3.DatabaseError, ValueError) as exc:  # a corrupt page, an unknown kind
        raise IndexCorrupt(f"{path} could not be read whole ({exc}); re-run `kubeatlas index`",
                           path=str(path)) from None
    finally:
        conn.close()
    return graph
