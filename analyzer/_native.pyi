"""Types of the native extractor, the Rust extension built from analyzer/native/ (see native_extract.py)."""

from typing import Any

def extract_row(content: bytes, rel_path: str, import_path: str, module: str, is_test: bool) -> tuple[Any, ...]:
    """The Row of one whole Go file, exactly rows.facts_to_row(extract.extract_facts(...))."""

def spec_digest() -> str:
    """sha1 of the Python extractor's sources the extension was built from."""

def optimized() -> bool:
    """Whether the extension was built optimised (a debug build is slower than the Python code)."""
