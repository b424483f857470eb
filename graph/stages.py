"""The knowledge stages run after the structural build, in order, each timed by the pipeline."""

from __future__ import annotations

from collections.abc import Sequence

from analyzer.model import FileFacts
from graph.apikinds import ApiKinds
from graph.calls import add_calls
from graph.illustrations import Illustrations
from graph.implements import add_implements
from graph.kubegraph import KubeGraph
from graph.pipeline import Stage
from graph.roles import RoleMapping
from graph.symbols import SymbolTable


class Resolution:
    """IMPLEMENTS/DISPATCHES then CALLS, sharing one symbol table."""

    fingerprint = "resolve"

    def __call__(self, graph: KubeGraph, facts: Sequence[FileFacts]) -> dict:
        symbols = SymbolTable.of(facts)
        figures = {"implements": add_implements(graph, symbols)}
        figures["calls"] = add_calls(graph, facts, symbols)
        return figures


def default_stages() -> list[tuple[str, Stage]]:
    """(name, stage) pairs: resolution first, then the layers that read its edges."""
    return [("resolve", Resolution()), ("roles", RoleMapping()), ("kinds", ApiKinds()),
            ("mini", Illustrations())]
