"""Names as a learner types them: candidates ranked (production before test helpers and
generated code, shallow ids first), and interface methods reached through embedding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kubeatlas.graph.model.schema import EdgeKind, key_of


class _Reader(Protocol):
    def get_nodes(self, ids: Sequence[str]) -> dict[str, Any]: ...

    def edges_from(self, ids: Sequence[str], kinds: Sequence[str]) -> list[Any]: ...


@dataclass(frozen=True, slots=True)
class Pick:
    """The node a typed name was taken to mean, and every candidate it matched, best first."""

    id: str
    candidates: tuple[str, ...]
    picked: int = 1  # 1-based position of id among candidates

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "picked": self.picked, "candidates": list(self.candidates)}


def is_production(attrs: Any) -> bool:
    """Neither a test helper nor generated code (a node without the flags counts as production)."""
    return not (attrs.get("test_helper") or attrs.get("is_test") or attrs.get("generated"))


def rank_key(nid: str, attrs: Any) -> tuple:
    """Production first, then generated code, then test helpers; shallower, shorter ids first."""
    helper = bool(attrs.get("test_helper") or attrs.get("is_test"))
    return (helper, bool(attrs.get("generated")), nid.count("/"), len(nid), nid)


def rank_ids(reader: _Reader, ids: Sequence[str]) -> list[str]:
    nodes = reader.get_nodes(list(ids))
    return sorted(ids, key=lambda nid: rank_key(nid, nodes[nid].attrs if nid in nodes else {}))


def method_through_embedding(reader: _Reader, interface: str, method: str) -> str | None:
    """The id of `method` as declared by `interface` or an interface it embeds (breadth
    first): `(RuntimeService).RunPodSandbox` is `(PodSandboxManager).RunPodSandbox`."""
    seen = {interface}
    frontier = [interface]
    while frontier:
        candidates = []
        for tid in frontier:
            package, _, name = key_of(tid).rpartition(".")
            candidates.append(f"method:{package}.({name}).{method}")
        found = reader.get_nodes(candidates)
        for candidate in candidates:
            if candidate in found:
                return candidate
        nxt = []
        for e in reader.edges_from(frontier, [str(EdgeKind.EMBEDS)]):
            if e.target not in seen:
                seen.add(e.target)
                nxt.append(e.target)
        frontier = sorted(nxt)
    return None
