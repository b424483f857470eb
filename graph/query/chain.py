"""Chains through the graph: the shortest one between two nodes, each hop with its kind. One
breadth-first search serves the CLI's chain and the explorer's chains with alternatives."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kubeatlas.graph.build.codeflags import is_test_package
from kubeatlas.graph.model.schema import EdgeKind, NodeKind, hand_off_phrases, kind_of
from kubeatlas.graph.query.bridge import CALL_KINDS, Bridge
from kubeatlas.graph.query.dispatch import Holdings

MAX_VISITED = 200_000


class _Reader(Protocol):
    def edges_from(self, ids: Sequence[str], kinds: Sequence[str]) -> list[Any]: ...

    def edges_to(self, ids: Sequence[str], kinds: Sequence[str]) -> list[Any]: ...

    def get_nodes(self, ids: Sequence[str]) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a chain: the node reached and how (`kind`: call, dispatch, value, hand-off,
    or the edge kind in lower case for imports and roles, or contains / in across a bridge;
    `via`: the edge's via attribute, if any; `through`: a hand-off's getter or parameter)."""

    id: str
    kind: str
    via: str = ""
    through: str = ""  # a hand-off's routes: "taken through plegCh" (see hand_off_phrases)

    def as_json(self) -> dict[str, Any]:
        said = {"id": self.id, "kind": self.kind, "via": self.via}
        return {**said, "through": self.through} if self.through else said


@dataclass(frozen=True, slots=True)
class Found:
    """A chain as search found it: where it starts and the edges it takes (none: the start
    itself is the end)."""

    start: str
    edges: tuple[Any, ...]


HOP_KIND = {"CALLS": "call", "DISPATCHES": "dispatch", "REFERENCES": "value",
            "HANDS_OFF": "hand-off"}


def hop_kind(edge_kind: str) -> str:
    """call (CALLS), dispatch (DISPATCHES), value (REFERENCES), hand-off (HANDS_OFF), else the
    kind in lower case."""
    return HOP_KIND.get(edge_kind, edge_kind.lower())


def chain_kinds(source: str) -> tuple[str, ...]:
    """The edges a chain from `source` follows: calls, dispatch, values and hand-offs from
    code, role edges from roles, embedding/implementing from types, imports from packages."""
    kind = kind_of(source)
    if kind in (NodeKind.FUNCTION, NodeKind.METHOD):
        return CALL_KINDS
    if kind is NodeKind.ROLE:
        return (str(EdgeKind.DEPENDS_ON), str(EdgeKind.TALKS_TO))
    if kind is NodeKind.TYPE:
        return (str(EdgeKind.EMBEDS), str(EdgeKind.IMPLEMENTS))
    return (str(EdgeKind.IMPORTS),)


def find_chain(reader: _Reader, source: str, target: str, kinds: Sequence[str],
               max_hops: int | None = None) -> list[Hop] | None:
    """Breadth-first from source along `kinds` edges (ties broken by ids, so the answer is
    the same from every store), around test helpers when it can be; None when target is
    not reached within max_hops."""
    found = search(reader, (source,), target.__eq__, kinds, max_hops)
    return None if found is None else hops_of(found)


def bridged_chain(reader: _Reader, bridge: Bridge, max_hops: int | None = None
                  ) -> list[Hop] | None:
    """The shortest chain across `bridge`: source, ("contains") a start, the chain between,
    ("in") the target."""
    found = cross(reader, bridge, max_hops)
    if found is None:
        return None
    inner = hops_of(found)
    hops = [Hop(bridge.source, "start"), Hop(inner[0].id, bridge.enter)] if bridge.enter else []
    hops.extend(inner[1:] if bridge.enter else inner)
    if bridge.leave:
        hops.append(Hop(bridge.target, bridge.leave))
    return hops


def cross(reader: _Reader, bridge: Bridge, max_hops: int | None = None, *,
          banned: frozenset[tuple[str, str, str]] = frozenset(),
          deadline: float | None = None) -> Found | None:
    """search between the bridge's members: `max_hops` counts its "contains" and "in" hops
    too, and a banned one of those takes that member out."""
    starts = [n for n in bridge.starts if (bridge.source, n, bridge.enter) not in banned]
    left = {s for s, t, k in banned if t == bridge.target and k == bridge.leave}
    inner = None if max_hops is None else max_hops - bool(bridge.enter) - bool(bridge.leave)
    reached = (lambda n: bridge.reached(n) and n not in left) if left else bridge.reached
    return search(reader, starts, reached, bridge.kinds, inner, banned=banned, deadline=deadline,
                  member_starts=bool(bridge.enter), member_ends=bool(bridge.leave))


def hops_of(found: Found) -> list[Hop]:
    """The chain search found, as hops: its start (kind "start"), then each edge's target."""
    return [Hop(found.start, "start"),
            *(Hop(e.target, hop_kind(e.kind), str(e.attrs.get("via", "")),
                  ", ".join(hand_off_phrases(e.attrs)) if e.kind == EdgeKind.HANDS_OFF else "")
              for e in found.edges)]


def search(reader: _Reader, starts: Sequence[str], reached: Callable[[str], bool],
           kinds: Sequence[str], max_hops: int | None = None, *,
           banned: frozenset[tuple[str, str, str]] = frozenset(),
           deadline: float | None = None, member_starts: bool = False,
           member_ends: bool = False, through_tests: bool = True) -> Found | None:
    """The shortest chain from any of `starts` to a node `reached` accepts, along `kinds`
    edges not `banned` ((source, target, kind)). A chain through a test helper (a fake, a
    _test.go function) is not how a component runs: one is returned only when no other
    exists, and never when `through_tests` is False. The nodes asked for may be helpers;
    starts and ends that only stand for them (`member_starts`, `member_ends`: the code of a
    role) count as the chain's inside. On a tie the first start and the first edge by ids
    win, so every store gives the same answer.
    None past `deadline` (time.monotonic) or MAX_VISITED nodes."""
    every = sorted(starts)
    helpers = helpers_among(reader, every) if member_starts else set()
    found = _breadth_first(reader, [n for n in every if n not in helpers], reached, kinds,
                           max_hops, banned, deadline, avoid_tests=True, member_ends=member_ends)
    if found is None and through_tests and not _timed_out(deadline):  # through test code, then
        found = _breadth_first(reader, every, reached, kinds, max_hops, banned, deadline,
                               avoid_tests=False, member_ends=member_ends)
    return found


def helpers_among(reader: _Reader, ids: Sequence[str]) -> set[str]:
    """The test helpers among ids: code flagged so, and packages of fakes and test utilities."""
    return {nid for nid, node in reader.get_nodes(ids).items()
            if node.attrs.get("test_helper") or (node.kind == NodeKind.PACKAGE
                                                 and is_test_package(node.attrs.get("dir", "")))}


def _breadth_first(reader: _Reader, starts: list[str], reached: Callable[[str], bool],
                   kinds: Sequence[str], max_hops: int | None,
                   banned: frozenset[tuple[str, str, str]], deadline: float | None, *,
                   avoid_tests: bool, member_ends: bool) -> Found | None:
    parent: dict[str, Any] = dict.fromkeys(starts)
    frontier = list(parent)
    helpers = helpers_among(reader, frontier) if avoid_tests and member_ends else set()
    end = next((n for n in frontier if reached(n) and n not in helpers), None)
    hops = 0
    held = Holdings(reader)  # a dispatch a caller can take: not every structural match
    while frontier and end is None and (max_hops is None or hops < max_hops):
        if _timed_out(deadline) or len(parent) > MAX_VISITED:
            return None
        hops += 1
        nxt: list[str] = []
        for e in sorted(reader.edges_from(frontier, list(kinds)),
                        key=lambda e: (e.source, e.target, e.kind)):
            if e.target not in parent and (e.source, e.target, e.kind) not in banned and (
                    e.kind != EdgeKind.DISPATCHES
                    or held.can_hold(_caller(parent[e.source]), e.source, e.target)):
                parent[e.target] = e
                nxt.append(e.target)
        helpers = helpers_among(reader, nxt) if avoid_tests and nxt else set()
        end = next((n for n in nxt if reached(n) and not (member_ends and n in helpers)), None)
        frontier = [n for n in nxt if n not in helpers]  # the target may be one: not a way
    if end is None:
        return None
    edges = []
    node = end
    while (edge := parent[node]) is not None:
        edges.append(edge)
        node = edge.source
    return Found(node, tuple(reversed(edges)))


def _caller(edge: Any) -> str | None:
    """Who called the interface method an edge reached (None: the search started there)."""
    return edge.source if edge is not None and edge.kind == EdgeKind.CALLS else None


def _timed_out(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() > deadline
