"""The native resolver: the Rust extension `_native` (built from graph/resolve/native/), which
gives every file's CallEdges and the resolution tally exactly as resolve_file_calls over
SymbolTable.of(facts) does, and the IMPLEMENTS and DISPATCHES edges add_implements adds,
resolving on threads without the GIL. The only module that imports
`_native`; KUBEATLAS_RESOLVER chooses (auto, native, python)."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from kubeatlas.analyzer.model import FileFacts
from kubeatlas.errors import KubeatlasError
from kubeatlas.graph.build.platform import variant_rank
from kubeatlas.graph.build.structure import package_names
from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.resolve.calls import CallEdge
from kubeatlas.settings import setting

# The Python modules the extension ports, in the order its spec_digest() hashes them (paths
# from the kubeatlas root): an edit to any of them makes a built extension stale until rebuilt.
SPEC_MODULES = ("graph/resolve/calls.py", "graph/resolve/resolver.py", "graph/resolve/callexpr.py",
                "graph/resolve/fields.py", "graph/resolve/variables.py", "graph/resolve/typetext.py",
                "graph/resolve/call_outcome.py", "graph/resolve/symbols.py",
                "graph/resolve/handoff.py", "graph/resolve/implements.py", "graph/build/typeref.py",
                "analyzer/model.py")
CHOICES = ("auto", "native", "python")
SETTING = "KUBEATLAS_RESOLVER"
THREADS = 2
_LINKED = ("type:", "method:", "func:")  # the kinds of node the resolver links

Native = Any  # the extension module: resolve_calls, start_resolution (see _native.pyi)


def native_resolve_function() -> tuple[Native | None, str]:
    """The extension, or None and why it cannot be used."""
    try:
        from kubeatlas.graph.resolve import _native
    except ImportError:
        return None, "native resolver not built (`pip install .` builds it where cargo is)"
    if _native.spec_digest() != spec_digest():
        return None, "native resolver is stale: built from other Python resolver sources (rebuild it)"
    return _native, ""


def spec_digest() -> str:
    """sha1 of the Python resolver's sources, as the extension hashes the ones it was built from."""
    digest = hashlib.sha1()
    root = Path(__file__).resolve().parents[2]
    for name in SPEC_MODULES:
        digest.update((root / name).read_bytes())
    return digest.hexdigest()


def chosen_resolver(wanted: str | None = None) -> tuple[Native | None, str]:
    """The native resolver when KUBEATLAS_RESOLVER (or `wanted`) is auto (the default) and it
    is usable, or native; None for python, or auto without a usable extension (and why)."""
    wanted = (setting("resolver") if wanted is None else wanted).strip().lower() or "auto"
    if wanted not in CHOICES:
        raise KubeatlasError(f"{SETTING}={wanted!r} is not one of {', '.join(CHOICES)} "
                             "(unset it for the default, auto)", setting=SETTING)
    if wanted == "python":
        return None, f"{SETTING}=python"
    native, why = native_resolve_function()
    if native is None and wanted == "native":
        raise KubeatlasError(f"{SETTING}=native, but the {why}", setting=SETTING)
    return native, why


def _inputs(facts: Sequence[FileFacts]) -> tuple[list[int], dict[str, str]]:
    """What the extension takes besides the facts: each file's variant rank (the build
    constraints are read here) and the package names."""
    by_package: dict[str, list[FileFacts]] = defaultdict(list)
    for f in facts:
        by_package[f.import_path].append(f)
    ranks = [variant_rank(f.rel_path, f.build_expr, f.is_test)[0] for f in facts]
    return ranks, package_names(by_package)


def resolve_all(native: Native, facts: Sequence[FileFacts], threads: int = THREADS
                ) -> tuple[list[list[CallEdge]], dict[str, int]]:
    """Every file's CallEdges (one list per file, in order) and the tally."""
    ranks, names = _inputs(facts)
    edges: list[list[CallEdge]]
    edges, tally = native.resolve_calls(facts, ranks, names, threads)
    return edges, tally


class NativeResolution:
    """The resolve stage's work on native threads without the GIL: the symbol table, then
    IMPLEMENTS and DISPATCHES (what add_implements adds, in its order) on one thread while
    the others start on every file's calls, on `threads` in all. The caller adds the
    IMPLEMENTS edges while the calls resolve, then each file's calls as soon as they are."""

    def __init__(self, native: Native, facts: Sequence[FileFacts], graph: KubeGraph,
                 threads: int = THREADS) -> None:
        ranks, names = _inputs(facts)
        # the ids of the nodes IMPLEMENTS, DISPATCHES, CALLS and REFERENCES join (the stage
        # adds no node): the edges among them come as rows for the graph
        in_graph = (nid for prefix in _LINKED for nid in graph.ids(prefix))
        self._run = native.start_resolution(facts, ranks, names, in_graph, threads)

    def add_implements(self, graph: KubeGraph) -> dict[str, int]:
        """Add the IMPLEMENTS and DISPATCHES edges in add_implements' order; its figures."""
        rows, figures = self._run.implements()
        graph.add_edges(rows)
        result: dict[str, int] = figures
        return result

    def resolved(self, graph: KubeGraph, tally: Counter[str]) -> Iterator[CallEdge]:
        """Every file's resolved calls for add_call_edges, in file order, as they come: the
        CALLS and REFERENCES edges it would add between two of the graph's functions go into
        `graph` here, a file's at a time, before that file's other CallEdges (those
        add_call_edges collects; all of a file's where one is another platform's variant)
        are given; then the values taken from func-typed fields (FIELD_VALUE, which it reads
        after the last file) that it would find something stored for; `tally` gets the
        counts last."""
        for added, rest in self._run.calls():
            graph.add_edges(added)
            yield from rest
        yield from self._run.field_values()
        tally.update(self._run.tally())
