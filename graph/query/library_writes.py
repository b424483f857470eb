"""Writes a role makes through library code it runs: the kubelet's node Lease, renewed by the
lease controller of k8s.io/component-helpers that `(*Kubelet).Run` starts; the scheduler's
leader-election Lease, taken by client-go's leader elector; the apiserver's bootstrap RBAC
policy, reconciled through component-helpers. The typed client's call is several calls, a
dispatch or a function value away from the role's own code, all of it in library packages (the
packages of the library roles: client-go, apimachinery, component-base, …).

Found backwards: from each production function of a library package that calls the typed client,
along CALLS, REFERENCES and DISPATCHES into library functions, until a function of the role's
packages calls (or takes as a value) one of them. A dispatch is followed only where the role can
hold that implementation: it is declared in the interface's own package, or in a package the
role imports (structural typing alone would let `lease.Controller.Run` dispatch to every
`Run(ctx)` in the tree, the leader elector's among them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from kubeatlas.graph.model.schema import EdgeKind, key_of

if TYPE_CHECKING:
    from kubeatlas.graph.query.atlas import Atlas, EdgeRecord

MAX_CALLS = 6  # library functions between the role's call and the typed client's (lease: 4)
_BACK = (str(EdgeKind.CALLS), str(EdgeKind.REFERENCES), str(EdgeKind.DISPATCHES))


def library_packages(atlas: Atlas) -> set[str]:
    """Import paths of the packages the library roles claim by path."""
    roles = [n.id for n in atlas.roles() if n.attrs.get("plane") == "library"]
    return {key_of(e.source) for e in atlas.reader.edges_to(roles, [str(EdgeKind.IN_ROLE)])
            if e.attrs.get("how") == "path"}


def entries(atlas: Atlas, packages: Sequence[str], writers: Mapping[str, str],
            library: set[str]) -> list[tuple[EdgeRecord, str]]:
    """Each call (or value) of `packages`' production code that leads, through two or more
    functions of `library` packages, to one of `writers` (function -> its package, each a
    production function of a library package that calls the typed client), with the writer it
    leads to. A writer one call away is a helper, not found here: apiserver.writes_by has those."""
    wanted = {key_of(p) for p in packages}
    imported = {key_of(e.target) for e in atlas.reader.edges_from(list(packages),
                                                                   [str(EdgeKind.IMPORTS)])}
    found: list[tuple[EdgeRecord, str]] = []
    package_of: dict[str, str | None] = dict(writers)
    for writer in sorted(writers):
        seen, frontier = {writer}, [writer]
        for depth in range(MAX_CALLS):
            edges = sorted((e for e in atlas.reader.edges_to(frontier, _BACK)
                            if e.attrs.get("via") != "stored"), key=lambda e: (e.source, e.target))
            _learn_packages(atlas, package_of, {e.source for e in edges})
            frontier = []
            for e in edges:
                package = package_of.get(e.source)
                if package is None or e.source in seen:
                    continue
                if package in wanted and e.kind != EdgeKind.DISPATCHES:
                    if depth:  # depth 0: the writer is a helper one call away
                        found.append((e, writer))
                elif package in library and (
                        e.kind != EdgeKind.DISPATCHES
                        or package_of.get(e.target) in (package, *imported)):
                    seen.add(e.source)
                    frontier.append(e.source)
            if not frontier:
                break
    return found


def _learn_packages(atlas: Atlas, package_of: dict[str, str | None], functions: set[str]) -> None:
    """The package of each production function not yet known (None for a test helper)."""
    unknown = sorted(functions - package_of.keys())
    nodes = atlas.reader.get_nodes(unknown)
    for nid in unknown:
        node = nodes.get(nid)
        package_of[nid] = (str(node.attrs.get("package")) if node is not None
                           and not node.attrs.get("test_helper") else None)
