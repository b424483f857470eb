"""Chains between two nodes with the kind of every hop (import, call, interface call, dispatch
to an implementation, function value, role edge), and the next-shortest alternatives: each
found by banning one hop of the shorter chains (Yen's idea on a breadth-first search)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from kubeatlas.graph.model.schema import EdgeKind, NodeKind, kind_of
from kubeatlas.graph.query.atlas import Atlas

MAX_VISITED = 200_000
_CALL_KINDS = (str(EdgeKind.CALLS), str(EdgeKind.DISPATCHES), "REFERENCES")


@dataclass(frozen=True, slots=True)
class Hop:
    source: str
    target: str
    kind: str  # edge kind
    how: str  # what a reader calls it: call, interface call, dispatch, function value, import …
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Chains:
    found: tuple[tuple[Hop, ...], ...]  # shortest first
    complete: bool = True  # False when the time budget cut the search for alternatives
    edge_kinds: tuple[str, ...] = field(default_factory=tuple)


def chain_kinds(source: str) -> tuple[str, ...]:
    """The edges a chain from `source` follows: calls (with dispatch and values) from code,
    role edges from roles, embedding/implementing from types, imports from packages."""
    kind = kind_of(source)
    if kind in (NodeKind.FUNCTION, NodeKind.METHOD):
        return _CALL_KINDS
    if kind is NodeKind.ROLE:
        return (str(EdgeKind.DEPENDS_ON), str(EdgeKind.TALKS_TO))
    if kind is NodeKind.TYPE:
        return (str(EdgeKind.EMBEDS), str(EdgeKind.IMPLEMENTS))
    return (str(EdgeKind.IMPORTS),)


def how(kind: str, attrs: dict) -> str:
    if kind == str(EdgeKind.CALLS):
        return "interface call" if attrs.get("via") == "interface" else "call"
    return {str(EdgeKind.DISPATCHES): "dispatch to an implementation",
            "REFERENCES": "function value", str(EdgeKind.IMPORTS): "import",
            str(EdgeKind.DEPENDS_ON): "depends on", str(EdgeKind.TALKS_TO): "talks to",
            str(EdgeKind.EMBEDS): "embeds", str(EdgeKind.IMPLEMENTS): "implements"
            }.get(kind, kind.lower())


def find_chains(atlas: Atlas, source: str, target: str, alternatives: int = 3,
                kinds: Sequence[str] | None = None, budget_s: float = 4.0) -> Chains:
    """The shortest chain source -> target and up to `alternatives` next-shortest ones."""
    atlas.node(source)
    atlas.node(target)
    names = tuple(kinds or chain_kinds(source))
    deadline = time.monotonic() + budget_s
    best = _bfs(atlas, source, target, names, frozenset(), None, deadline)
    if best is None:
        return Chains((), time.monotonic() < deadline, names)
    found = [best]
    tried: set[tuple[str, str, str]] = set()
    complete = True
    while len(found) <= alternatives:
        candidates = []
        for chain in found:
            for hop in chain:
                ban = (hop.source, hop.target, hop.kind)
                if ban in tried:
                    continue
                tried.add(ban)
                if time.monotonic() > deadline:
                    complete = False
                    break
                banned = frozenset({ban} | {(h.source, h.target, h.kind) for c in found
                                            for h in c if h.source == hop.source})
                other = _bfs(atlas, source, target, names, banned, len(best) + 3, deadline)
                if other is not None and other not in found and other not in candidates:
                    candidates.append(other)
        if not candidates:
            break
        found.append(min(candidates, key=lambda c: (len(c), [h.target for h in c])))
        if not complete:
            break
    return Chains(tuple(found), complete, names)


def _bfs(atlas: Atlas, source: str, target: str, kinds: Sequence[str],
         banned: frozenset[tuple[str, str, str]], max_hops: int | None,
         deadline: float) -> tuple[Hop, ...] | None:
    parent: dict[str, Hop | None] = {source: None}
    frontier = [source]
    hops = 0
    while frontier and target not in parent and (max_hops is None or hops < max_hops):
        if time.monotonic() > deadline or len(parent) > MAX_VISITED:
            return None
        hops += 1
        nxt: list[str] = []
        for e in sorted(atlas.reader.edges_from(frontier, list(kinds)),
                        key=lambda e: (e.source, e.target, e.kind)):
            if e.target in parent or (e.source, e.target, e.kind) in banned:
                continue
            line = e.attrs.get("line")
            parent[e.target] = Hop(e.source, e.target, e.kind, how(e.kind, dict(e.attrs)),
                                   int(line) if isinstance(line, int) else None)
            nxt.append(e.target)
        frontier = nxt
    if target not in parent:
        return None
    chain: list[Hop] = []
    node = target
    while (hop := parent[node]) is not None:
        chain.append(hop)
        node = hop.source
    return tuple(reversed(chain))
