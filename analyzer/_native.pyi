"""Types of the native extractor, the Rust extension built from analyzer/native/ (see native_extract.py)."""

from collections.abc import Callable
from typing import Any

def extract_row(content: bytes, rel_path: str, import_path: str, module: str, is_test: bool) -> tuple[Any, ...]:
    """The Row of one whole Go file, exactly rows.facts_to_row(extract.extract_facts(...))."""

def scan_files(root: str, files: list[tuple[str, str, str, bool, str]], max_file_bytes: int,
               jobs: int, classes: list[type], kinds: dict[str, Any], sources: dict[str, Any],
               on_file: Callable[[int, int, Any, Any], None]) -> None:
    """Scan files (rel_path, import_path, module, is_test, cached sha) under root with `jobs`
    threads, calling on_file(index, status, facts, row) for each in order: status 0 parsed
    (facts the model.FileFacts, row its rows.facts_to_row marshalled as cache.py keeps it:
    (shell, body) bytes), 1 its bytes have the cached sha, 2 left to the Python code (not
    regular, unreadable, too large)."""

def spec_digest() -> str:
    """sha1 of the Python extractor's sources the extension was built from."""

def optimized() -> bool:
    """Whether the extension was built optimised (a debug build is slower than the Python code)."""

def allocator_thp() -> int:
    """mimalloc's allow_thp option as set: 0 once the extension is imported (see lib.rs)."""
