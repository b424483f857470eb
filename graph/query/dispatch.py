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
    held = Holdings(reader)
    return [e for e in calls if held.can_hold(e.source, e.target, function)]


class Holdings:
    """Can a caller of an interface method hold a given implementation? Answers for one
    question or one search, with what they read kept (packages, imports, method sets)."""

    def __init__(self, reader: _Reader) -> None:
        self._reader = reader
        self._lifecycle: dict[str, bool] = {}
        self._package: dict[str, str] = {}
        self._importers: dict[str, set[str]] = {}

    def can_hold(self, caller: str | None, method: str, implementation: str) -> bool:
        """Whether `caller`'s call of interface method `method` can reach `implementation`
        (always, but for a one-method lifecycle interface; and for a search that starts at the
        interface method, with no caller)."""
        if caller is None or not self._one_lifecycle_method(method):
            return True
        self._learn([caller, method, implementation])
        home = self._package[implementation]
        if home in (self._package[method], self._package[caller]):
            return True
        if home not in self._importers:
            self._importers[home] = {e.source for e in self._reader.edges_to(
                [f"pkg:{home}"], [str(EdgeKind.IMPORTS)])}
        return f"pkg:{self._package[caller]}" in self._importers[home]

    def _one_lifecycle_method(self, method: str) -> bool:
        """A LIFECYCLE method of an interface that declares no other and embeds none."""
        if method not in self._lifecycle:
            lifecycle = method.rpartition(".")[2] in LIFECYCLE
            interface = "type:" + key_of(method).rpartition(".")[0].replace(".(", ".").rstrip(")")
            self._lifecycle[method] = lifecycle and len(self._reader.edges_from(
                [interface], [str(EdgeKind.HAS_METHOD), str(EdgeKind.EMBEDS)])) == 1
        return self._lifecycle[method]

    def _learn(self, ids: list[str]) -> None:
        unknown = [i for i in ids if i not in self._package]
        if unknown:
            nodes = self._reader.get_nodes(unknown)
            for nid in unknown:
                node = nodes.get(nid)
                self._package[nid] = str(node.attrs.get("package", "")) if node is not None else ""
