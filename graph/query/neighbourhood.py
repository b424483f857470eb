"""The part of the graph a page draws: the neighbours of a few focus nodes along chosen edge
kinds, in-tree before the standard library, production before tests, under a node cap whose
rest is counted ("N more") — never the whole graph."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kubeatlas.graph.model.schema import EdgeKind, NodeKind
from kubeatlas.graph.query.atlas import Atlas, EdgeRecord, NodeRecord
from kubeatlas.graph.query.search import tier_of

MAX_NODES = 2000  # what a page may ever draw
# the edges a user can switch on and off, by the name the filter shows
EDGE_FILTERS: dict[str, tuple[str, ...]] = {
    "imports": (str(EdgeKind.IMPORTS),),
    "calls": (str(EdgeKind.CALLS),),
    "dispatch": (str(EdgeKind.DISPATCHES),),
    "value references": ("REFERENCES",),
    "hand-offs": (str(EdgeKind.HANDS_OFF),),
    "implements": (str(EdgeKind.IMPLEMENTS),),
    "embeds": (str(EdgeKind.EMBEDS),),
    "methods": (str(EdgeKind.HAS_METHOD),),
    "in role": (str(EdgeKind.IN_ROLE),),
    "role edges": (str(EdgeKind.DEPENDS_ON), str(EdgeKind.TALKS_TO)),
    "api kinds": (str(EdgeKind.DEFINES_KIND), str(EdgeKind.WATCHES), str(EdgeKind.RECONCILES),
                  str(EdgeKind.STORES)),
    "minik8s": (str(EdgeKind.ILLUSTRATES),),
}
# what each kind of focus shows first
DEFAULT_FILTERS: dict[str, tuple[str, ...]] = {
    str(NodeKind.PACKAGE): ("imports", "in role"),
    str(NodeKind.EXTERNAL_PACKAGE): ("imports",),
    str(NodeKind.TYPE): ("implements", "embeds", "methods"),
    str(NodeKind.FUNCTION): ("calls", "dispatch", "value references", "hand-offs"),
    str(NodeKind.METHOD): ("calls", "dispatch", "value references", "hand-offs", "methods"),
    str(NodeKind.ROLE): ("role edges", "in role"),
    str(NodeKind.API_KIND): ("api kinds",),
    str(NodeKind.MINI_COMPONENT): ("minik8s",),
}


@dataclass(frozen=True, slots=True)
class Subgraph:
    nodes: tuple[NodeRecord, ...]
    edges: tuple[EdgeRecord, ...]
    more: dict[str, int]  # focus id -> neighbours left out by the cap or the node kinds
    focus: tuple[str, ...]


def edge_kinds(filters: Iterable[str]) -> tuple[str, ...]:
    return tuple(k for f in filters for k in EDGE_FILTERS.get(f, ()))


def neighbour_order(node: NodeRecord | None, nid: str) -> tuple:
    """Roles, API kinds and minik8s components first (few, and the way out), then in-tree code,
    then vendored modules, then the standard library; production before tests and generated
    code; then by id."""
    if nid.startswith(("role:", "kind:", "mini:")):
        place = 0
    elif nid.startswith("ext:"):
        place = 3 if node is not None and node.attrs.get("std") else 2
    else:
        place = 1
    tier = ("production", "test", "generated").index(tier_of(node)) if node else 0
    return (place, tier, nid)


def neighbourhood(atlas: Atlas, focus: Sequence[str], filters: Iterable[str],
                  node_kinds: Iterable[str] = (), cap: int = 40,
                  max_nodes: int = MAX_NODES) -> Subgraph:
    """Each focus node with at most `cap` of its neighbours along the `filters` edges (of
    `node_kinds` only, when given), and the edges among everything drawn."""
    kinds = list(edge_kinds(filters))
    allowed = set(node_kinds)
    focus = list(dict.fromkeys(focus))[:max_nodes]
    nodes = dict(atlas.reader.get_nodes(focus))
    more: dict[str, int] = {}
    if not kinds:
        return Subgraph(tuple(nodes.values()), (), more, tuple(f for f in focus if f in nodes))
    out = atlas.reader.edges_from(focus, kinds)
    inc = atlas.reader.edges_to(focus, kinds)
    by_focus: dict[str, set[str]] = {f: set() for f in focus}
    for e in out:
        by_focus[e.source].add(e.target)
    for e in inc:
        by_focus[e.target].add(e.source)
    others = sorted({n for ns in by_focus.values() for n in ns} - nodes.keys())
    records = atlas.reader.get_nodes(others) if others else {}
    for f in focus:
        candidates = [n for n in by_focus[f] if n in nodes or n in records]
        if allowed:
            candidates = [n for n in candidates if (nodes.get(n) or records[n]).kind in allowed]
        candidates.sort(key=lambda n: neighbour_order(nodes.get(n) or records.get(n), n))
        # up to `cap` neighbours each; only those not drawn yet take room under `max_nodes`
        kept: list[str] = []
        for n in candidates:
            if len(kept) == cap:
                break
            if n not in nodes:
                if len(nodes) >= max_nodes:
                    continue
                nodes[n] = records[n]
            kept.append(n)
        hidden = len(by_focus[f]) - len(kept)
        if hidden > 0:
            more[f] = hidden
    drawn = set(nodes)
    edges = {(e.source, e.target, e.kind): e for e in out + inc
             if e.source in drawn and e.target in drawn}
    return Subgraph(tuple(nodes.values()), tuple(edges[k] for k in sorted(edges)), more,
                    tuple(f for f in focus if f in nodes))
