"""The native call resolver: the Rust extension `_native` (built from graph/resolve/native/),
which gives every file's CallEdges and the resolution tally exactly as resolve_file_calls over
SymbolTable.of(facts) does, resolving on threads without the GIL. The only module that imports
`_native`; KUBEATLAS_RESOLVER chooses (auto, native, python)."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from kubeatlas.analyzer.model import FileFacts
from kubeatlas.errors import KubeatlasError
from kubeatlas.graph.build.platform import variant_rank
from kubeatlas.graph.build.structure import package_names
from kubeatlas.graph.resolve.calls import CallEdge
from kubeatlas.settings import setting

# The Python modules the extension ports, in the order its spec_digest() hashes them (paths
# from the kubeatlas root): an edit to any of them makes a built extension stale until rebuilt.
SPEC_MODULES = ("graph/resolve/calls.py", "graph/resolve/resolver.py", "graph/resolve/callexpr.py",
                "graph/resolve/fields.py", "graph/resolve/variables.py", "graph/resolve/typetext.py",
                "graph/resolve/call_outcome.py", "graph/resolve/symbols.py",
                "graph/resolve/handoff.py", "graph/build/typeref.py", "analyzer/model.py")
CHOICES = ("auto", "native", "python")
SETTING = "KUBEATLAS_RESOLVER"
THREADS = 2

Resolve = Callable[..., tuple[list[list[CallEdge]], dict[str, int]]]


def native_resolve_function() -> tuple[Resolve | None, str]:
    """The extension's resolve function, or None and why it cannot be used."""
    try:
        from kubeatlas.graph.resolve import _native
    except ImportError:
        return None, "native resolver not built (`pip install .` builds it where cargo is)"
    if _native.spec_digest() != spec_digest():
        return None, "native resolver is stale: built from other Python resolver sources (rebuild it)"
    resolve: Resolve = _native.resolve_calls
    return resolve, ""


def spec_digest() -> str:
    """sha1 of the Python resolver's sources, as the extension hashes the ones it was built from."""
    digest = hashlib.sha1()
    root = Path(__file__).resolve().parents[2]
    for name in SPEC_MODULES:
        digest.update((root / name).read_bytes())
    return digest.hexdigest()


def chosen_resolver(wanted: str | None = None) -> tuple[Resolve | None, str]:
    """The native resolve function when KUBEATLAS_RESOLVER (or `wanted`) is auto (the default)
    and it is usable, or native; None for python, or auto without a usable extension (and why)."""
    wanted = (setting("resolver") if wanted is None else wanted).strip().lower() or "auto"
    if wanted not in CHOICES:
        raise KubeatlasError(f"{SETTING}={wanted!r} is not one of {', '.join(CHOICES)} "
                             "(unset it for the default, auto)", setting=SETTING)
    if wanted == "python":
        return None, f"{SETTING}=python"
    resolve, why = native_resolve_function()
    if resolve is None and wanted == "native":
        raise KubeatlasError(f"{SETTING}=native, but the {why}", setting=SETTING)
    return resolve, why


def resolve_all(resolve: Resolve, facts: Sequence[FileFacts], threads: int = THREADS
                ) -> tuple[list[list[CallEdge]], dict[str, int]]:
    """Every file's CallEdges (one list per file, in order) and the tally."""
    by_package: dict[str, list[FileFacts]] = defaultdict(list)
    for f in facts:
        by_package[f.import_path].append(f)
    ranks = [variant_rank(f.rel_path, f.build_expr, f.is_test)[0] for f in facts]
    return resolve(facts, ranks, package_names(by_package), threads)


class NativeCalls:
    """Resolves every file's calls on a thread (the extension releases the GIL while it
    resolves), so the caller can find IMPLEMENTS meanwhile; `resolved` hands the edges over in
    file order, as CallWorkers.resolved does."""

    def __init__(self, resolve: Resolve, facts: Sequence[FileFacts], threads: int = THREADS) -> None:
        self._result: tuple[list[list[CallEdge]], dict[str, int]] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(resolve, facts, threads),
                                        name="kubeatlas-native-calls", daemon=True)

    def __enter__(self) -> NativeCalls:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._thread.join()

    def _run(self, resolve: Resolve, facts: Sequence[FileFacts], threads: int) -> None:
        try:
            self._result = resolve_all(resolve, facts, threads)
        except BaseException as error:  # handed to the caller in resolved()
            self._error = error

    def resolved(self, tally: Counter[str]) -> Iterator[CallEdge]:
        """Every file's resolved calls in file order; `tally` gets the counts first."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        edges, counts = self._result
        tally.update(counts)
        for file_edges in edges:
            yield from file_edges
