"""A type's or function's card: callers and callees (direct, interface dispatch, function
values, hand-offs through channels, work queues and condition variables), methods with the
embedded ones and where they come from, interfaces, roles, and the minik8s components that
illustrate it — one read of the graph, from either store."""

from __future__ import annotations

from dataclasses import dataclass

from kubeatlas.graph.model.schema import EdgeKind, NodeKind
from kubeatlas.graph.query.atlas import Atlas, EdgeRecord, NodeRecord
from kubeatlas.graph.query.methods import Member, promoted_methods

_REFERENCES = str(getattr(EdgeKind, "REFERENCES", "REFERENCES"))


@dataclass(frozen=True, slots=True)
class CodeCard:
    node: NodeRecord
    package: str  # package id ('' when unknown)
    receiver: str  # type id of a method's receiver ('' otherwise)
    callers: tuple[EdgeRecord, ...]  # CALLS, REFERENCES and HANDS_OFF into it, and CALLS into
    # the interface methods it implements
    callees: tuple[EdgeRecord, ...]  # CALLS, DISPATCHES, REFERENCES and HANDS_OFF out of it
    referenced_by: tuple[EdgeRecord, ...]  # REFERENCES into it (its value passed or stored)
    references: tuple[EdgeRecord, ...]  # REFERENCES out of it
    members: tuple[Member, ...]  # a type's methods, embedded ones included
    implements: tuple[EdgeRecord, ...]
    implementers: tuple[EdgeRecord, ...]
    roles: tuple[str, ...]
    illustrated_by: tuple[NodeRecord, ...]  # MiniComponent nodes


def code_card(atlas: Atlas, nid: str) -> CodeCard:
    """Everything the type/function page shows about `nid` (NodeNotFound when absent)."""
    node = atlas.node(nid)
    package = f"pkg:{node.attrs['package']}" if node.attrs.get("package") else ""
    receiver = _receiver(atlas, nid) if node.kind == NodeKind.METHOD else ""
    code = node.kind in (NodeKind.FUNCTION, NodeKind.METHOD)
    callers = tuple(atlas.callers(nid)) if code else ()
    callees = tuple(atlas.callees(nid)) if code else ()
    referenced_by = tuple(atlas.neighbours(nid, (_REFERENCES,), reverse=True)) if code else ()  # type: ignore[arg-type]
    references = tuple(atlas.neighbours(nid, (_REFERENCES,))) if code else ()  # type: ignore[arg-type]
    is_type = node.kind == NodeKind.TYPE
    members = tuple(method_set(atlas, nid)) if is_type else ()
    implements = tuple(atlas.interfaces_of(nid)) if is_type else ()
    implementers = tuple(atlas.implementers(nid)) if is_type else ()
    roles = tuple(e.target for e in atlas.neighbours(package, (EdgeKind.IN_ROLE,))) \
        if package else ()
    minis = illustrations(atlas, [nid, package, receiver])
    return CodeCard(node, package, receiver, callers, callees, referenced_by, references,
                    members, implements, implementers, roles, tuple(minis))


def method_set(atlas: Atlas, type_id: str) -> list[Member]:
    """A type's methods: its own, then those promoted from embedded types (graph/query/methods)."""
    return promoted_methods(atlas.reader, type_id)


def illustrations(atlas: Atlas, ids: list[str]) -> list[NodeRecord]:
    """The minik8s components illustrating any of `ids` (the item, its package, its type)."""
    wanted = [i for i in ids if i]
    if not wanted:
        return []
    minis = {e.source for e in atlas.reader.edges_to(wanted, [str(EdgeKind.ILLUSTRATES)])}
    return sorted(atlas.reader.get_nodes(sorted(minis)).values(), key=lambda n: n.id)


def mini_summary(mini: NodeRecord, lang: str) -> str:
    """What a minik8s component does, in `lang`: the Chinese where asked for and the index has
    it (an index built before the links file had Chinese holds the English only), else English."""
    chinese = mini.attrs.get("summary_zh") if lang == "zh" else ""
    return str(chinese or mini.attrs.get("summary") or "")


def mirrored(atlas: Atlas, mini: str) -> list[str]:
    """The real code a minik8s component mirrors (its ILLUSTRATES targets)."""
    return sorted(e.target for e in atlas.reader.edges_from([mini], [str(EdgeKind.ILLUSTRATES)]))


def _receiver(atlas: Atlas, method: str) -> str:
    edges = atlas.reader.edges_to([method], [str(EdgeKind.HAS_METHOD)])
    return edges[0].source if edges else ""
