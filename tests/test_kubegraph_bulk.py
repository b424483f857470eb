"""KubeGraph's bulk paths (add_edges, add_node_rows, ids_of_kinds, edge_ends)
leave the graph, its edge order, its edge log and its record of changes since a mark exactly as
the one-at-a-time calls do."""

from __future__ import annotations

from typing import Any

from kubeatlas.graph.model.kubegraph import GraphMark, KubeGraph
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


def _graph_state(graph: KubeGraph, mark: Any) -> tuple:
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
    assert _graph_state(bulk, marks[1]) == _graph_state(one, marks[0])


def test_an_edge_from_before_the_mark_changed_in_bulk_is_reported():
    graph = _graph()
    mark = graph.mark()
    graph.add_edges([("func:a.G", "func:b.H", "CALLS", {"count": 4})])
    assert graph.rows_since(mark).changed_edges == [(0, {"via": "direct", "count": 4, "line": 3})]
    assert graph.edge_count == 1


def _state(graph: KubeGraph, mark: GraphMark) -> tuple:
    """Everything the graph holds, in order (a node without attributes has no row: the
    adjacency and the change log are compared as they are)."""
    delta = graph.rows_since(mark)
    return ([(nid, list(data.items())) for nid, data in graph._node.items()],
            [(u, list(out.items())) for u, out in graph._succ.items()],
            [(v, list(into.items())) for v, into in graph._pred.items()],
            list(graph._edge_log), graph._touched_nodes, graph._touched_edges,
            list(delta.new_edges), delta.changed_edges)


def _seed(graph: KubeGraph) -> None:
    graph.add_node("pkg:a", NodeKind.PACKAGE, dir="a")
    graph.add_node("file:a/x.go", NodeKind.FILE, path="a/x.go")


NODES = [("type:a.T", "Type", {"name": "T", "line": 1}),
         ("method:a.(T).M", "Method", {"name": "M"}),
         ("type:a.T", "Type", {"name": "T", "line": 9, "variants": []}),  # again: an update
         ("pkg:a", "Package", {"files": 1})]  # a node from before the mark: a change
EDGES = [("file:a/x.go", "type:a.T", "DECLARES"), ("type:a.T", "method:a.(T).M", "HAS_METHOD"),
         ("file:a/x.go", "type:a.T", "DECLARES"),  # again: no new edge, a change
         ("pkg:a", "file:a/x.go", "CONTAINS"),
         ("type:a.T", "type:b.U", "EMBEDS")]  # an end not added yet


def test_bulk_adds_match_single_adds_and_their_change_log() -> None:
    one, bulk = KubeGraph(), KubeGraph()
    for graph in (one, bulk):
        _seed(graph)
        graph.add_edge("pkg:a", "file:a/x.go", EdgeKind.CONTAINS)
    marks = one.mark(), bulk.mark()
    for nid, kind, attrs in NODES:
        one.add_node(nid, NodeKind(kind), **dict(attrs))
    for source, target, kind in EDGES:
        one.add_edge(source, target, EdgeKind(kind))
    bulk.add_node_rows((nid, kind, dict(attrs)) for nid, kind, attrs in NODES)
    bulk.add_edges((s, t, k, None) for s, t, k in EDGES)
    assert _state(one, marks[0]) == _state(bulk, marks[1])


def test_ids_of_kinds_and_edge_ends_read_as_nodes_and_edges_do() -> None:
    graph = KubeGraph()
    _seed(graph)
    graph.add_node("ext:fmt", NodeKind.EXTERNAL_PACKAGE, import_path="fmt")
    graph.add_node("pkg:b", NodeKind.PACKAGE, dir="b")
    graph.add_edge("pkg:b", "pkg:a", EdgeKind.IMPORTS, test_only=False)
    graph.add_edge("pkg:a", "file:a/x.go", EdgeKind.CONTAINS)
    graph.add_edge("pkg:a", "ext:fmt", EdgeKind.IMPORTS, test_only=True)
    found = graph.ids_of_kinds(NodeKind.PACKAGE, NodeKind.EXTERNAL_PACKAGE, NodeKind.TYPE)
    assert found == {"Package": ["pkg:a", "pkg:b"], "ExternalPackage": ["ext:fmt"], "Type": []}
    ends = [(u, v, {k: w for k, w in a.items() if k != "kind"})
            for u, v, a in graph.edge_ends(EdgeKind.IMPORTS)]
    assert ends == [(e.source, e.target, e.attrs) for e in graph.edges(EdgeKind.IMPORTS)]


def test_an_edge_added_without_attributes_takes_them_later_in_both_directions() -> None:
    graph = _graph()
    graph.add_edge("func:a.F", "func:a.G", EdgeKind.CALLS)
    assert graph.edge("func:a.F", "func:a.G", EdgeKind.CALLS).attrs == {}
    assert graph.edge("func:a.F", "func:a.G", EdgeKind.REFERENCES) is None
    assert list(graph.edge_rows())[-1] == ("func:a.F", "func:a.G", "CALLS", None)
    mark = graph.mark()
    graph.add_edge("func:a.F", "func:a.G", EdgeKind.CALLS, via="direct", count=2)
    expected = {"via": "direct", "count": 2}
    assert graph.edge("func:a.F", "func:a.G", EdgeKind.CALLS).attrs == expected
    assert [e.attrs for e in graph.in_edges("func:a.G", EdgeKind.CALLS)] == [expected]
    assert [e.attrs for e in graph.out_edges("func:a.F")] == [expected]
    assert list(graph.edge_rows())[-1] == ("func:a.F", "func:a.G", "CALLS", expected)
    assert graph.rows_since(mark).changed_edges == [(1, expected)]
    assert graph.edge_ends(EdgeKind.CALLS)[-1] == ("func:a.F", "func:a.G", expected)
    assert graph.counts()["CALLS"] == 2
    exported = [e for e in graph.to_node_link()["edges"] if e["source"] == "func:a.F"]
    assert exported == [{"source": "func:a.F", "target": "func:a.G", "key": "CALLS",
                         "kind": "CALLS", **expected}]
