"""Chains through the graph: the shortest one between two nodes, each hop with its kind."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

MAX_VISITED = 200_000


class _Reader(Protocol):
    def edges_from(self, ids: Sequence[str], kinds: Sequence[str]) -> list[Any]: ...


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a chain: the node reached and how (`kind`: call, dispatch, value, or the
    edge kind in lower case for imports and roles; `via`: the edge's via attribute, if any)."""

    id: str
    kind: str
    via: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "via": self.via}


HOP_KIND = {"CALLS": "call", "DISPATCHES": "dispatch", "REFERENCES": "value"}


def hop_kind(edge_kind: str) -> str:
    """call (CALLS), dispatch (DISPATCHES), value (REFERENCES), else the kind in lower case."""
    return HOP_KIND.get(edge_kind, edge_kind.lower())


def find_chain(reader: _Reader, source: str, target: str, kinds: Sequence[str],
               max_hops: int | None = None) -> list[Hop] | None:
    """Breadth-first from source along `kinds` edges (ties broken by ids, so the answer is
    the same from every store); None when target is not reached within max_hops."""
    parent: dict[str, Any] = {source: None}
    frontier = [source]
    hops = 0
    while frontier and target not in parent and (max_hops is None or hops < max_hops):
        hops += 1
        nxt: list[str] = []
        for e in sorted(reader.edges_from(frontier, list(kinds)),
                        key=lambda e: (e.source, e.target, e.kind)):
            if e.target not in parent:
                parent[e.target] = e
                nxt.append(e.target)
        frontier = nxt
        if len(parent) > MAX_VISITED:
            break
    if target not in parent:
        return None
    chain = [target]
    edges = [parent[target]]
    while edges[-1] is not None:
        chain.append(edges[-1].source)
        edges.append(parent[chain[-1]])
    return [Hop(nid, "start") if e is None else Hop(nid, hop_kind(e.kind), str(e.attrs.get("via", "")))
            for nid, e in zip(chain[::-1], edges[::-1], strict=True)]
