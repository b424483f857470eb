"""Types of the native call resolver, the Rust extension built from graph/resolve/native/ (see native_calls.py)."""

from collections.abc import Iterator, Sequence
from typing import Any

def resolve_calls(facts: Sequence[tuple[Any, ...]], ranks: Sequence[int], names: dict[str, str],
                  threads: int = 2) -> tuple[list[list[tuple[str, str, str, int, int, str, bool]]],
                                             dict[str, int]]:
    """Every file's CallEdges (a list per file, in order) and the tally, exactly as
    resolve_file_calls over SymbolTable.of(facts) gives them."""

def spec_digest() -> str:
    """sha1 of the Python resolver's sources the extension was built from."""

class Resolution:
    def implements(self) -> tuple[list[tuple[str, str, str, bool, str]], dict[str, int]]:
        """add_implements' edges in its order, (IMPLEMENTS|DISPATCHES, source, target,
        via_pointer, confidence), and its figures."""

    def calls(self) -> tuple[Iterator[list[tuple[str, str, str, int, int, str, bool]]],
                             dict[str, int]]:
        """What resolve_calls gives, each file's list made as it is read."""

def start_resolution(facts: Sequence[tuple[Any, ...]], ranks: Sequence[int], names: dict[str, str],
                     in_graph: set[str], threads: int = 2) -> Resolution:
    """The symbol table, IMPLEMENTS among the type and method ids in_graph, then the calls, on
    a thread without the GIL."""

def optimized() -> bool:
    """Whether the extension was built optimised (a debug build is slower than the Python code)."""
