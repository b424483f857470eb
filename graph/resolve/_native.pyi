"""Types of the native call resolver, the Rust extension built from graph/resolve/native/ (see native_calls.py)."""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

def resolve_calls(facts: Sequence[tuple[Any, ...]], ranks: Sequence[int], names: dict[str, str],
                  threads: int = 2) -> tuple[list[list[tuple[str, str, str, int, int, str, bool]]],
                                             dict[str, int]]:
    """Every file's CallEdges (a list per file, in order) and the tally, exactly as
    resolve_file_calls over SymbolTable.of(facts) gives them."""

def spec_digest() -> str:
    """sha1 of the Python resolver's sources the extension was built from."""

class Resolution:
    def implements(self) -> tuple[list[tuple[str, str, str, dict[str, Any]]], dict[str, int]]:
        """add_implements' edges in its order as rows for KubeGraph.add_edges ((source,
        target, IMPLEMENTS|DISPATCHES, attrs), each DISPATCHES edge once), and its figures."""

    def calls(self) -> Iterator[tuple[list[tuple[str, str, str, dict[str, Any]]],
                                      list[tuple[str, str, str, int, int, str, bool]]]]:
        """Each file's CALLS and REFERENCES edges between two of the ids in_graph as rows for
        KubeGraph.add_edges, and its other CallEdges for add_call_edges (all of them where one
        is another platform's variant), file by file as they are resolved."""

    def field_values(self) -> list[tuple[str, str, str, int, int, str, bool]]:
        """After the last file: the FIELD_VALUE CallEdges of every file, in order, whose field
        something is stored in (calls() gives none of them)."""

    def tally(self) -> dict[str, int]:
        """The resolution counts, once every file is resolved."""

def start_resolution(facts: Sequence[tuple[Any, ...]], ranks: Sequence[int], names: dict[str, str],
                     in_graph: Iterable[str], threads: int = 2) -> Resolution:
    """The symbol table, IMPLEMENTS among the type and method ids in_graph, then the calls, on
    threads without the GIL."""

def optimized() -> bool:
    """Whether the extension was built optimised (a debug build is slower than the Python code)."""
