"""Cards: everything the index knows about one API kind or one role, gathered for a page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubeatlas.graph.model.schema import EdgeKind
from kubeatlas.graph.query.apiserver import WRITES, client_methods
from kubeatlas.graph.query.names import is_implementation

if TYPE_CHECKING:
    from kubeatlas.graph.query.atlas import Atlas


def kind_card(atlas: Atlas, api_kind: str) -> dict[str, Any]:
    """An API kind's card: defining types, storage, watching and reconciling packages, and
    (relation WRITES, production first) the functions that write it through client-go's
    typed client, each with its call (`path:line Create`)."""
    node = atlas.node(api_kind)
    relations = []
    for e in atlas.neighbours(api_kind, (EdgeKind.DEFINES_KIND, EdgeKind.STORES,
                                         EdgeKind.WATCHES, EdgeKind.RECONCILES), reverse=True):
        detail = "internal" if e.attrs.get("internal") else e.attrs.get("evidence", "")
        relations.append((e.kind, e.source, detail))
    calls = atlas.reader.edges_to(client_methods(api_kind), [str(EdgeKind.CALLS)])
    calls = atlas.production_first(sorted(calls, key=lambda e: (e.source, e.target)),
                                   "source", production_only=False)
    files = {n.id: n.attrs.get("file", "") for n in
             atlas.reader.get_nodes(sorted({e.source for e in calls})).values()}
    relations += [(WRITES, e.source, f"{files.get(e.source, '')}:{e.attrs.get('line', '')} "
                   f"{e.target.rpartition(').')[2]}") for e in calls]
    return {"kind": node.as_json(), "relations": relations}


def _implementations(atlas: Atlas, interface: str) -> list[str]:
    """The types implementing `interface` that production code runs: production code and the
    generated code that is the implementation (client-go's `kubernetes.Clientset`), fakes,
    mocks and stubs left out; those that write the methods before those that only embed the
    interface (kubectl's describers hold a clientset), then by id."""
    edges = atlas.implementers(interface)
    nodes = atlas.reader.get_nodes(sorted({e.source for e in edges}))
    kept = [nid for nid, n in nodes.items() if is_implementation(n.attrs, n.name)]
    embedders = {e.source for e in atlas.reader.edges_to([interface], [str(EdgeKind.EMBEDS)])}
    return sorted(kept, key=lambda nid: (nid in embedders, nid))


def role_card(atlas: Atlas, role: str) -> dict[str, Any]:
    """A role's card: attributes, packages by rule, key interfaces with implementers,
    and the roles it depends on, is depended on by, and talks to."""
    node = atlas.node(role)
    packages = atlas.neighbours(role, (EdgeKind.IN_ROLE,), reverse=True)
    by_path = sorted(e.source for e in packages if e.attrs.get("how") == "path")
    reachable = sorted(e.source for e in packages if e.attrs.get("how") == "reachable")
    external = sorted(e.source for e in packages if e.attrs.get("how") == "external")
    names = node.attrs.get("key_interfaces") or ()  # found in this tree by the roles stage
    found = atlas.reader.get_nodes([f"type:{name}" for name in names])
    interfaces = [{"id": f"type:{name}", "implementers": (
        [] if atlas.is_trivial_interface(f"type:{name}") else _implementations(atlas, f"type:{name}"))}
        for name in names if f"type:{name}" in found]
    out_edges = atlas.neighbours(role, (EdgeKind.DEPENDS_ON, EdgeKind.TALKS_TO))
    in_edges = atlas.neighbours(role, (EdgeKind.DEPENDS_ON, EdgeKind.TALKS_TO), reverse=True)
    return {
        "role": node.as_json(),
        "packages_by_path": by_path,
        "packages_reachable": len(reachable),
        "external_packages": external,
        "key_interfaces": interfaces,
        "depends_on": [{"role": e.target, **e.attrs} for e in out_edges
                       if e.kind == EdgeKind.DEPENDS_ON],
        "depended_by": [{"role": e.source, **e.attrs} for e in in_edges
                        if e.kind == EdgeKind.DEPENDS_ON],
        "talked_to_by": [{"role": e.source, **e.attrs} for e in in_edges
                         if e.kind == EdgeKind.TALKS_TO],
        "talks_to": [{"role": e.target, **e.attrs} for e in out_edges
                     if e.kind == EdgeKind.TALKS_TO],
    }
