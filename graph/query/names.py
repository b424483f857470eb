"""Names as a learner types them: candidates ranked (production before test helpers and
generated code, then the role in question's code, then the most called, shallow ids first), and interface methods
reached through embedding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kubeatlas.graph.build.codeflags import is_example_package, is_test_package
from kubeatlas.graph.model.schema import EdgeKind, NodeKind, key_of, package_id, parse_id


class _Reader(Protocol):
    def get_nodes(self, ids: Sequence[str]) -> dict[str, Any]: ...

    def edges_from(self, ids: Sequence[str], kinds: Sequence[str]) -> list[Any]: ...

    def edges_to(self, ids: Sequence[str], kinds: Sequence[str]) -> list[Any]: ...


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


def is_implementation(attrs: Any, name: str) -> bool:
    """Code that serves production: production code, or generated code that is itself the
    implementation (client-gen's typed `Clientset`), not a fake, mock or gRPC
    `Unimplemented…` stub that a generator wrote for tests."""
    if is_production(attrs):
        return True
    return not (attrs.get("test_helper") or attrs.get("is_test")
                or is_test_package(str(attrs.get("package") or ""))
                or name.lower().startswith(("fake", "mock", "unimplemented"))
                or "mock" in str(attrs.get("file") or "").rsplit("/", 1)[-1])


def production_order(attrs: Any) -> tuple[bool, bool]:
    """Sorts production code first, then examples, then test helpers and generated code."""
    return (not is_production(attrs), is_example(attrs))


_USED_BY = tuple(str(k) for k in (EdgeKind.CALLS, EdgeKind.DISPATCHES, EdgeKind.REFERENCES,
                                  EdgeKind.HANDS_OFF))
OTHER_ROLE = 2  # the role tier of code outside the role in question (see role_tiers)


def rank_key(nid: str, attrs: Any, role_tier: int = OTHER_ROLE, callers: int = 0) -> tuple:
    """Production first, then generated code, then examples (`sample-controller`), then test
    helpers; within each, the role in question's code first (role_tier); then the one
    called from the most places (`callers`: the code base's tests included); then shallower,
    shorter ids."""
    helper = bool(attrs.get("test_helper") or attrs.get("is_test"))
    return (helper, is_example(attrs), bool(attrs.get("generated")), role_tier, -callers,
            nid.count("/"), len(nid), nid)


def is_example(attrs: Any) -> bool:
    """Declared in example code (see codeflags.is_example_package)."""
    return is_example_package(str(attrs.get("package") or attrs.get("import_path") or ""))


def rank_ids(reader: _Reader, ids: Sequence[str], role: str | None = None) -> list[str]:
    """`ids` best first (rank_key): the role's code first, given `role` (a role id); then the
    candidate the code base calls, dispatches to, takes as a value or hands off to from the
    most places (`processNextWorkItem` is the ReplicaSet controller's, `Admit` admission's
    MutationInterface's, not the first in the alphabet)."""
    nodes = reader.get_nodes(list(ids))
    tiers = role_tiers(reader, role) if role else {}
    sources: dict[str, set[str]] = {}
    for e in reader.edges_to(list(ids), list(_USED_BY)):
        sources.setdefault(e.target, set()).add(e.source)
    return sorted(ids, key=lambda nid: rank_key(nid, nodes[nid].attrs if nid in nodes else {},
                                                role_tier(tiers, nid),
                                                len(sources.get(nid, ()))))


def role_tiers(reader: _Reader, role: str) -> dict[str, int]:
    """{package id: tier} of a role's packages (IN_ROLE): 0 for the packages its directories
    claim or the out-of-tree ones standing for it, 1 for those only its binary reaches."""
    return {e.source: 1 if e.attrs.get("how") == "reachable" else 0
            for e in reader.edges_to([role], [str(EdgeKind.IN_ROLE)])}


def role_tier(tiers: dict[str, int], nid: str) -> int:
    """The role tier of a node (of its package for code; OTHER_ROLE outside the role)."""
    if not tiers:
        return OTHER_ROLE
    try:
        parsed = parse_id(nid)
    except ValueError:
        return OTHER_ROLE
    if parsed.kind in (NodeKind.PACKAGE, NodeKind.EXTERNAL_PACKAGE):
        return tiers.get(nid, OTHER_ROLE)
    return tiers.get(package_id(parsed.package), OTHER_ROLE) if parsed.package else OTHER_ROLE


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
