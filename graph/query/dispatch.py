"""The interface calls that can reach a method at run time, told from Go's structural matches.

To Go, every type with a `Run(ctx context.Context)` method implements every one-method
interface `{ Run(ctx context.Context) }` in the tree: the kubelet's call of `lease.Controller.Run`
dispatches, on the graph, to the scheduler's `Run` as well. A call of such an interface — one
method, embedding none, and that method a verb every component has (LIFECYCLE: Run, Start,
Stop, …) — is kept only where the implementation can be what the caller holds: it is declared
in the interface's own package (`lease.NewController` returns its `*controller` as a
`Controller`), or in the caller's package, or the caller's package imports it. Every other
interface call is kept: a method set of more methods, or of a method named for what it does
(`Handles`, `RunPodSandbox`), is rarely matched by accident, and the scheduler framework's
`FilterPlugin` calls reach plugins that the framework never imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from kubeatlas.graph.model.schema import EdgeKind, key_of

LIFECYCLE = frozenset({"Run", "Start", "Stop", "Close", "Shutdown", "Wait", "Name", "String"})


class _Reader(Protocol):
    def edges_from(self, ids: Sequence[str], kinds: Sequence[str]) -> list[Any]: ...

    def edges_to(self, ids: Sequence[str], kinds: Sequence[str]) -> list[Any]: ...

    def get_nodes(self, ids: Sequence[str]) -> dict[str, Any]: ...


def reaching_calls(reader: _Reader, function: str, methods: Sequence[str]) -> list[Any]:
    """The CALLS of `methods` (interface methods `function` implements, by DISPATCHES) that can
    reach `function`, by caller then callee."""
    calls = sorted(reader.edges_to(list(methods), [str(EdgeKind.CALLS)]) if methods else [],
                   key=lambda e: (e.source, e.target))
    single = _of_one_method(reader, methods)
    if not single:
        return calls
    nodes = reader.get_nodes([function, *single, *{e.source for e in calls
                                                   if e.target in single}])
    home = _package(nodes.get(function))
    importers = {e.source for e in reader.edges_to([f"pkg:{home}"], [str(EdgeKind.IMPORTS)])}
    return [e for e in calls if e.target not in single
            or _package(nodes.get(e.target)) == home
            or _package(nodes.get(e.source)) == home
            or f"pkg:{_package(nodes.get(e.source))}" in importers]


def _of_one_method(reader: _Reader, methods: Sequence[str]) -> set[str]:
    """The LIFECYCLE methods among `methods` whose interface declares no other and embeds none."""
    interface = {m: "type:" + key_of(m).rpartition(".")[0].replace(".(", ".").rstrip(")")
                 for m in methods if m.rpartition(".")[2] in LIFECYCLE}
    edges = reader.edges_from(sorted(set(interface.values())),
                              [str(EdgeKind.HAS_METHOD), str(EdgeKind.EMBEDS)])
    members: dict[str, int] = {}
    for e in edges:
        members[e.source] = members.get(e.source, 0) + 1
    return {m for m, t in interface.items() if members.get(t) == 1}


def _package(node: Any) -> str:
    return str(node.attrs.get("package", "")) if node is not None else ""
