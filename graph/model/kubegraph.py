"""KubeGraph: a string-ID directed multigraph (at most one edge per kind between two nodes) in
plain adjacency dicts, laid out as networkx lays out a MultiDiGraph; networkx itself is loaded
only to export (node-link data, GraphML), so a command that builds a small graph does not pay
its 0.2 s import."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from types import MappingProxyType
from typing import Any

from kubeatlas.errors import NodeNotFound
from kubeatlas.graph.model.records import EdgeRecord, NodeRecord
from kubeatlas.graph.model.schema import EdgeKind, NodeKind

NodeRow = tuple[str, str, dict[str, Any]]  # (id, kind, attrs without the kind)
EdgeRow = tuple[str, str, str, dict[str, Any] | None]  # (source, target, kind, attrs or None)
_Keyed = dict[str, dict[str, Any] | None]  # the edges between two nodes: kind -> attrs or None
_NO_ATTRS: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class GraphMark:
    nodes: int  # nodes in the graph at the mark (they keep their insertion order)
    edges: int  # edges in the graph at the mark (the edge log's length)


@dataclass(frozen=True, slots=True)
class GraphDelta:
    """Rows added since a mark, and rows written before it whose attributes changed since;
    changed_edges are (position in edge order, attrs or None)."""

    new_nodes: Iterator[NodeRow]
    new_edges: Iterator[EdgeRow]
    changed_nodes: Iterator[NodeRow]
    changed_edges: list[tuple[int, dict[str, Any] | None]]


class KubeGraph:
    """Nodes and edges addressed by string IDs; at most one edge of a kind between two nodes."""

    def __init__(self) -> None:
        # node -> attrs (with its kind); node -> neighbour -> edge kind -> attrs or None (an
        # edge without attributes: most are); both directions share each neighbour's dict
        self._node: dict[str, dict[str, Any]] = {}
        self._succ: dict[str, dict[str, _Keyed]] = {}
        self._pred: dict[str, dict[str, _Keyed]] = {}
        # Every edge in the order it was added, with the dict that holds its attrs (nodes keep
        # their order in _node), and what changed in place since the last mark(): what a
        # writer needs to append to a snapshot.
        self._edge_log: list[tuple[str, str, str, _Keyed]] = []
        self._touched_nodes: set[str] | None = None
        self._touched_edges: set[tuple[str, str, str]] | None = None

    # --- writing -------------------------------------------------------
    def add_node(self, nid: str, kind: NodeKind, **attrs: Any) -> None:
        data = self._node.get(nid)
        if data is None:
            attrs["kind"] = str(kind)
            self._node[nid] = attrs
            self._succ[nid] = {}
            self._pred[nid] = {}
        else:
            data.update(attrs)
            data["kind"] = str(kind)
            if self._touched_nodes is not None:
                self._touched_nodes.add(nid)

    def add_edge(self, source: str, target: str, kind: EdgeKind, **attrs: Any) -> None:
        self.add_edges([(source, target, str(kind), attrs or None)])

    def add_edges(self, rows: Iterable[EdgeRow]) -> None:
        """add_edge for each (source, target, kind, attrs or None) in order, the bulk path for
        hundreds of thousands of edges; the graph keeps each row's attrs dict as the edge's,
        so a caller hands over dicts it does not use again."""
        node, succ, pred, log = self._node, self._succ, self._pred, self._edge_log
        for source, target, key, attrs in rows:
            out = succ.get(source)
            if out is None or target not in succ:
                for nid in (source, target):  # an end not added yet: a node without attributes
                    if nid not in node:
                        node[nid], succ[nid], pred[nid] = {}, {}, {}
                out = succ[source]
            keyed = out.get(target)
            if keyed is None:
                keyed = out[target] = pred[target][source] = {key: attrs or None}
            elif key in keyed:
                if attrs:
                    held = keyed[key]
                    if held is None:
                        keyed[key] = attrs
                    else:
                        held.update(attrs)
                if self._touched_edges is not None:
                    self._touched_edges.add((source, target, key))
                continue
            else:
                keyed[key] = attrs or None
            log.append((source, target, key, keyed))

    def clear(self) -> None:
        """Drop every node and edge (frees the memory of a graph that has been written)."""
        self._node.clear()
        self._succ.clear()
        self._pred.clear()
        self._edge_log.clear()
        self._touched_nodes = self._touched_edges = None

    def mark(self) -> GraphMark:
        """Where the graph stands now; rows_since(mark) later gives what was added or changed
        (in-place changes are tracked from the latest mark on)."""
        self._touched_nodes, self._touched_edges = set(), set()
        return GraphMark(len(self._node), len(self._edge_log))

    # --- reading -------------------------------------------------------
    def __contains__(self, nid: str) -> bool:
        return nid in self._node

    def __len__(self) -> int:
        return len(self._node)

    @property
    def edge_count(self) -> int:
        return len(self._edge_log)  # edges are never removed one by one

    def node(self, nid: str) -> NodeRecord:
        try:
            data = self._node[nid]
        except KeyError:
            raise NodeNotFound(f"no node {nid!r} in the graph", node=nid) from None
        return _node(nid, data)

    def attrs(self, nid: str) -> Mapping[str, Any]:
        return self._node[nid]

    def nodes(self, kind: NodeKind | None = None) -> Iterator[NodeRecord]:
        """Nodes (of one kind) in the order they were added."""
        if kind is None:
            return (_node(nid, data) for nid, data in self._node.items())
        wanted = str(kind)
        return (_node(nid, data) for nid, data in self._node.items() if data["kind"] == wanted)

    def ids(self, prefix: str) -> Iterator[str]:
        """Ids that start with `prefix` (`method:k8s.io/client-go/`), in the order they were
        added: a scan that builds no record."""
        return (nid for nid in self._node if nid.startswith(prefix))

    def edges(self, kind: EdgeKind | None = None) -> Iterator[EdgeRecord]:
        """Edges (of one kind) in the order they were added."""
        wanted = None if kind is None else str(kind)
        for u, v, k, keyed in self._edge_log:
            if wanted is None or k == wanted:
                yield _edge(u, v, k, keyed[k])

    def edge(self, source: str, target: str, kind: EdgeKind) -> EdgeRecord | None:
        key, keyed = str(kind), self._succ.get(source, {}).get(target)
        return None if keyed is None or key not in keyed else _edge(source, target, key, keyed[key])

    def out_edges(self, nid: str, kind: EdgeKind | None = None) -> Iterator[EdgeRecord]:
        for v, keyed in self._succ[nid].items():
            for k, data in keyed.items():
                if kind is None or k == kind:
                    yield _edge(nid, v, k, data)

    def in_edges(self, nid: str, kind: EdgeKind | None = None) -> Iterator[EdgeRecord]:
        for u, keyed in self._pred[nid].items():
            for k, data in keyed.items():
                if kind is None or k == kind:
                    yield _edge(u, nid, k, data)

    def successors(self, nid: str, kind: EdgeKind | None = None) -> list[str]:
        return sorted({e.target for e in self.out_edges(nid, kind)})

    def predecessors(self, nid: str, kind: EdgeKind | None = None) -> list[str]:
        return sorted({e.source for e in self.in_edges(nid, kind)})

    def node_rows(self) -> Iterator[NodeRow]:
        """(id, kind, attrs) for every node: the bulk path for writers, no records built."""
        return _node_rows(self._node.items())

    def edge_rows(self) -> Iterator[EdgeRow]:
        """(source, target, kind, attrs or None when the edge has none), in the order the edges
        were added: the bulk path (the attrs are the graph's own: read them, never change them)."""
        return self._edge_rows(self._edge_log)

    def rows_since(self, mark: GraphMark) -> GraphDelta:
        """What a writer holding the graph as it was at `mark` must add and rewrite."""
        touched = self._touched_edges or set()
        changed_edges = [(position, keyed[k])
                         for position, (u, v, k, keyed) in enumerate(self._edge_log[:mark.edges])
                         if (u, v, k) in touched] if touched else []
        return GraphDelta(
            new_nodes=_node_rows(islice(self._node.items(), mark.nodes, None)),
            new_edges=self._edge_rows(self._edge_log[mark.edges:]),
            changed_nodes=_node_rows((nid, self._node[nid])
                                     for nid in sorted(self._touched_nodes or ())),
            changed_edges=changed_edges,
        )

    @staticmethod
    def _edge_rows(log: Iterable[tuple[str, str, str, _Keyed]]) -> Iterator[EdgeRow]:
        for u, v, k, keyed in log:
            yield u, v, k, keyed[k]

    def ids_of_kinds(self, *kinds: NodeKind) -> dict[str, list[str]]:
        """Ids of the nodes of each kind (keyed by the kind's name), in the order they were
        added: one pass over the nodes, no records built, for a stage that wants several kinds
        (after a snapshot's fork every node touched costs a page copy)."""
        found: dict[str, list[str]] = {str(kind): [] for kind in kinds}
        nodes = self._node
        for nid in [nid for nid, data in nodes.items() if data["kind"] in found]:
            found[nodes[nid]["kind"]].append(nid)
        return found

    def edge_ends(self, kind: EdgeKind) -> list[tuple[str, str, Mapping[str, Any]]]:
        """(source, target, attrs) of the edges of one kind, in the order they were added:
        edges(kind) without the records (the attrs are the graph's own: read them only)."""
        wanted = str(kind)
        return [(u, v, keyed[k] or _NO_ATTRS) for u, v, k, keyed in
                [e for e in self._edge_log if e[2] == wanted]]

    def add_node_rows(self, rows: Iterable[tuple[str, str, dict[str, Any]]]) -> None:
        """add_node(nid, kind, **attrs) for each (nid, kind, attrs) in order (attrs is taken,
        not copied): the bulk path of a build."""
        nodes, succ, pred, touched = self._node, self._succ, self._pred, self._touched_nodes
        for nid, kind, attrs in rows:
            data = nodes.get(nid)
            if data is None:
                attrs["kind"] = kind
                nodes[nid] = attrs
                succ[nid] = {}
                pred[nid] = {}
            else:
                data.update(attrs)
                data["kind"] = kind
                if touched is not None:
                    touched.add(nid)

    def counts(self) -> dict[str, int]:
        """Number of nodes per node kind and edges per edge kind, sorted by name."""
        tally = Counter(map(itemgetter("kind"), self._node.values()))  # in C: twice as fast
        tally.update(map(itemgetter(2), self._edge_log))
        return dict(sorted(tally.items()))

    def to_node_link(self) -> dict[str, Any]:
        """networkx node-link data (readable back with `networkx.node_link_graph`)."""
        import networkx as nx

        return nx.node_link_data(self._as_networkx(lambda v: v), edges="edges")

    def write_graphml(self, path: str) -> None:
        import networkx as nx

        nx.write_graphml(self._as_networkx(_scalar), path)

    def _as_networkx(self, value: Callable[[Any], Any]) -> Any:
        """A networkx MultiDiGraph copy, each attribute value passed through `value`."""
        import networkx as nx

        graph = nx.MultiDiGraph()
        for nid, data in self._node.items():
            graph.add_node(nid, **{k: value(v) for k, v in data.items()})
        for u, v, k, keyed in self._edge_log:
            attrs = {"kind": k, **(keyed[k] or {})}
            graph.add_edge(u, v, key=k, **{a: value(b) for a, b in attrs.items()})
        return graph


def _node_rows(items: Iterable[tuple[str, dict[str, Any]]]) -> Iterator[NodeRow]:
    for nid, data in items:  # a copy less the kind (in C: twice as fast as a comprehension)
        attrs = data.copy()
        yield nid, attrs.pop("kind"), attrs


def _scalar(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(str(v) for v in value)
    if value is None:
        return ""
    return value


def _node(nid: str, data: Mapping[str, Any]) -> NodeRecord:
    return NodeRecord(nid, NodeKind(data["kind"]), str(data.get("name", "")),
                      {k: v for k, v in data.items() if k != "kind"})


def _edge(u: str, v: str, kind: str, attrs: Mapping[str, Any] | None) -> EdgeRecord:
    return EdgeRecord(u, v, EdgeKind(kind), dict(attrs) if attrs else {})
