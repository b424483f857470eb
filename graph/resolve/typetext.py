"""Composite type texts taken apart: the element of `[]T`, `[N]T`, `map[K]V`, `chan T`."""

from __future__ import annotations

from kubeatlas.graph.resolve.callexpr import closing_bracket


def element_text(type_text: str, key: bool = False) -> str | None:
    """What ranging over, indexing or receiving from a value of this type yields: the element
    (or, with `key`, the key: `int` for slices and arrays); None for a named or other type."""
    text = type_text.strip()
    if text.startswith("*["):  # ranging over a pointer to an array
        text = text[1:]
    if text.startswith("[]"):
        return "int" if key else text[2:].strip()
    if text.startswith("map["):
        close = closing_bracket(text, 3)
        if close < 0:
            return None
        return text[4:close].strip() if key else text[close + 1:].strip()
    if text.startswith("["):
        close = closing_bracket(text, 0)
        return None if close < 0 else ("int" if key else text[close + 1:].strip())
    for prefix in ("<-chan ", "chan<- ", "chan "):
        if text.startswith(prefix):
            return text[len(prefix):].strip()  # ranging over a channel: its one variable
    return None
