"""A type's method set as the graph holds it: the methods it declares, then those promoted
from the types it embeds (breadth-first; a shallower name shadows a deeper one)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kubeatlas.graph.model.schema import EdgeKind

MAX_EMBED_DEPTH = 6


class _Reader(Protocol):
    def edges_from(self, ids: Sequence[str], kinds: Sequence[str]) -> list[Any]: ...


@dataclass(frozen=True, slots=True)
class Member:
    method: str  # method id
    name: str
    origin: str  # the type declaring it: the type itself, or an embedded one
    depth: int  # 0 = declared on the type, n = through n embeddings


def promoted_methods(reader: _Reader, type_id: str) -> list[Member]:
    """A type's methods: its own, then those promoted from embedded types (breadth-first, a
    shallower name shadows a deeper one), each with the type that declares it."""
    seen_names: set[str] = set()
    out: list[Member] = []
    visited = {type_id}
    level = [type_id]
    for depth in range(MAX_EMBED_DEPTH + 1):
        if not level:
            break
        found: list[Member] = []
        for e in sorted(reader.edges_from(level, [str(EdgeKind.HAS_METHOD)]),
                        key=lambda e: (e.source, e.target)):
            name = e.target.rsplit(".", 1)[-1]
            if name not in seen_names:
                found.append(Member(e.target, name, e.source, depth))
        for m in found:
            seen_names.add(m.name)
        out.extend(sorted(found, key=lambda m: (m.name, m.origin)))
        nxt = sorted({e.target for e in reader.edges_from(level, [str(EdgeKind.EMBEDS)])}
                     - visited)
        visited.update(nxt)
        level = nxt
    return out
