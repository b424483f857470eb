"""KubeGraph.add_edges leaves the graph, its edge log and its record of changes since a mark
exactly as add_edge called row by row does."""

from __future__ import annotations

from typing import Any

from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.model.schema import EdgeKind, NodeKind

ROWS: list[tuple[str, str, str, dict[str, Any] | None]] = [
    ("func:a.F", "func:a.G", "CALLS", {"via": "direct", "count": 2, "line": 7}),
    ("func:a.F", "func:a.G", "REFERENCES", {"via": "value", "count": 1, "line": 9, "file": "a.go"}),
    ("func:a.F", "func:b.H", "CALLS", {"via": "method", "count": 1, "line": 8}),
    ("type:a.T", "type:a.I", "IMPLEMENTS", {"via_pointer": False, "confidence": "exact"}),
    ("func:a.F", "func:a.G", "CALLS", {"count": 5}),  # an edge already there: its attrs updated
    ("func:new.X", "func:a.F", "CALLS", None),  # an end not in the graph yet, no attrs
    ("type:a.T", "type:a.I", "IMPLEMENTS", {"via_pointer": True}),
    ("type:a.T", "type:a.I", "IMPLEMENTS", None),  # a repeat without attrs changes nothing
]


def _graph() -> KubeGraph:
    graph = KubeGraph()
    for nid in ("func:a.F", "func:a.G", "func:b.H"):
        graph.add_node(nid, NodeKind.FUNCTION, name=nid)
    graph.add_node("type:a.T", NodeKind.TYPE, name="T")
    graph.add_node("type:a.I", NodeKind.TYPE, name="I")
    graph.add_edge("func:a.G", "func:b.H", EdgeKind.CALLS, via="direct", count=1, line=3)
    return graph


def _state(graph: KubeGraph, mark: Any) -> tuple:
    delta = graph.rows_since(mark)
    return (list(graph.node_rows()), list(graph.edge_rows()), graph.counts(),
            list(delta.new_nodes), list(delta.new_edges), list(delta.changed_nodes),
            delta.changed_edges, sorted(graph.successors("func:a.F")),
            sorted(graph.predecessors("func:a.F")),
            [(k, list(attrs)) for _, _, k, attrs in graph.edge_rows() if attrs])


def test_add_edges_is_add_edge_row_by_row():
    one, bulk = _graph(), _graph()
    marks = one.mark(), bulk.mark()
    for source, target, kind, attrs in ROWS:
        one.add_edge(source, target, EdgeKind(kind), **dict(attrs or {}))
    bulk.add_edges((s, t, k, dict(a) if a is not None else None) for s, t, k, a in ROWS)
    assert "func:new.X" in bulk and bulk.attrs("func:new.X") == {}
    for graph in (one, bulk):  # the node an edge added gets its kind (node rows need one)
        graph.add_node("func:new.X", NodeKind.FUNCTION, name="X")
    assert _state(bulk, marks[1]) == _state(one, marks[0])


def test_an_edge_from_before_the_mark_changed_in_bulk_is_reported():
    graph = _graph()
    mark = graph.mark()
    graph.add_edges([("func:a.G", "func:b.H", "CALLS", {"count": 4})])
    assert graph.rows_since(mark).changed_edges == [(0, {"via": "direct", "count": 4, "line": 3})]
    assert graph.edge_count == 1
