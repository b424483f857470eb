"""Chains between two nodes with the kind of every hop (import, call, interface call, dispatch
to an implementation, function value, role edge), and the next-shortest alternatives: each
found by banning one hop of the shorter chains (Yen's idea on a breadth-first search)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kubeatlas.graph.model.schema import EdgeKind, hand_off_phrases
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.query.bridge import HOW, Bridge, bridge_between
from kubeatlas.graph.query.chain import chain_kinds, cross


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


def how(kind: str, attrs: Mapping[str, Any]) -> str:
    """What a reader calls an edge: call, call through a field, interface call, call of what a
    field holds, dispatch to an implementation, function value (a field holds), import …"""
    if kind == str(EdgeKind.CALLS):
        return {"interface": "interface call", "field": "call through a field",
                "stored": "call of what a field holds"}.get(str(attrs.get("via")), "call")
    if kind == "REFERENCES" and attrs.get("via") == "stored":
        return "function value a field holds"
    if kind == str(EdgeKind.HANDS_OFF):
        said = {"queue": "hand-off through a work queue",
                "cond": "hand-off through a condition variable"}.get(str(attrs.get("via")),
                                                                     "hand-off through a channel")
        routes = hand_off_phrases(attrs)
        return f"{said} ({', '.join(routes)})" if routes else said
    return {str(EdgeKind.DISPATCHES): "dispatch to an implementation",
            "REFERENCES": "function value", str(EdgeKind.IMPORTS): "import",
            str(EdgeKind.DEPENDS_ON): "depends on", str(EdgeKind.TALKS_TO): "talks to",
            str(EdgeKind.EMBEDS): "embeds", str(EdgeKind.IMPLEMENTS): "implements"
            }.get(kind, kind.lower())


def find_chains(atlas: Atlas, source: str, target: str, alternatives: int = 3,
                kinds: Sequence[str] | None = None, budget_s: float = 4.0) -> Chains:
    """The shortest chain source -> target and up to `alternatives` next-shortest ones.
    Between a role, a package and code of different kinds (and no `kinds` given) the chains
    run between their members (graph/query/bridge.py)."""
    atlas.node(source)
    atlas.node(target)
    bridge = bridge_between(atlas.reader, source, target) if kinds is None else None
    if bridge is None:
        names = tuple(kinds or chain_kinds(source))
        bridge = Bridge(source, target, names, (source,), target.__eq__)
    deadline = time.monotonic() + budget_s
    best = _bfs(atlas, bridge, frozenset(), None, deadline)
    if best is None:
        return Chains((), time.monotonic() < deadline, bridge.kinds)
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
                other = _bfs(atlas, bridge, banned, len(best) + 3, deadline)
                if other is not None and other not in found and other not in candidates:
                    candidates.append(other)
        if not candidates:
            break
        found.append(min(candidates, key=lambda c: (len(c), [h.target for h in c])))
        if not complete:
            break
    return Chains(tuple(found), complete, bridge.kinds)


def _bfs(atlas: Atlas, bridge: Bridge, banned: frozenset[tuple[str, str, str]],
         max_hops: int | None, deadline: float) -> tuple[Hop, ...] | None:
    """One chain across `bridge` avoiding `banned` hops, as the explorer lists it."""
    found = cross(atlas.reader, bridge, max_hops, banned=banned, deadline=deadline)
    if found is None:
        return None
    hops = [Hop(bridge.source, found.start, bridge.enter, HOW[bridge.enter])
            ] if bridge.enter else []
    for e in found.edges:
        line = e.attrs.get("line")
        hops.append(Hop(e.source, e.target, e.kind, how(e.kind, dict(e.attrs)),
                        int(line) if isinstance(line, int) else None))
    last = hops[-1].target if hops else found.start
    if bridge.leave:
        hops.append(Hop(last, bridge.target, bridge.leave, HOW[bridge.leave]))
    return tuple(hops)
