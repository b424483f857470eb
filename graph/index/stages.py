"""The knowledge stages run after the structural build, in order, each timed by the pipeline."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from kubeatlas.analyzer.model import FileFacts
from kubeatlas.graph.index.pipeline import Stage
from kubeatlas.graph.knowledge.apikinds import ApiKinds
from kubeatlas.graph.knowledge.illustrations import Illustrations
from kubeatlas.graph.knowledge.roles import RoleMapping
from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.resolve.call_workers import MIN_FILES, CallWorkers
from kubeatlas.graph.resolve.calls import add_call_edges
from kubeatlas.graph.resolve.implements import add_implements
from kubeatlas.graph.resolve.native_calls import NativeResolution, chosen_resolver
from kubeatlas.graph.resolve.symbols import SymbolTable


@dataclass(frozen=True)
class Resolution:
    """IMPLEMENTS/DISPATCHES then CALLS, sharing one symbol table. The native resolver (see
    graph/resolve/native_calls.py, KUBEATLAS_RESOLVER) finds both on threads of its own, the
    calls resolving while this process adds the IMPLEMENTS edges. Without it, with `jobs`
    other than 1 (0: all cores) and at least `min_parallel_files` files, forked workers resolve
    most calls while this process finds IMPLEMENTS. The graph gets the same edges in the same
    order either way."""

    jobs: int = 0
    min_parallel_files: int = MIN_FILES
    fingerprint: ClassVar[str] = "resolve"

    def __call__(self, graph: KubeGraph, facts: Sequence[FileFacts]) -> dict[str, Any]:
        native, _ = chosen_resolver()
        tally: Counter[str] = Counter()
        if native is not None:
            run = NativeResolution(native, facts, graph, threads=self.jobs or os.cpu_count() or 1)
            figures = {"implements": run.add_implements(graph)}
            figures["calls"] = add_call_edges(graph, run.resolved(graph, tally), tally)
            return figures
        symbols = SymbolTable.of(facts)
        with CallWorkers(facts, symbols, jobs=self.jobs,
                         min_files=self.min_parallel_files) as calls:
            figures = {"implements": add_implements(graph, symbols)}
            figures["calls"] = add_call_edges(graph, calls.resolved(tally), tally)
        return figures


def default_stages(jobs: int = 0) -> list[tuple[str, Stage]]:
    """(name, stage) pairs: resolution first, then the layers that read its edges; `jobs`
    worker processes (0: all cores) where a stage can use them."""
    return [("resolve", Resolution(jobs)), ("roles", RoleMapping()), ("kinds", ApiKinds()),
            ("mini", Illustrations())]
