"""Composite type texts taken apart: the element of `[]T`, `[N]T`, `map[K]V`, `chan T`."""

from __future__ import annotations


def element_text(type_text: str, key: bool = False) -> str | None:
    """What ranging over, indexing or receiving from a value of this type yields: the element
    (or, with `key`, the key: `int` for slices and arrays); None for a named or other type."""
    text = type_text.strip()
    if text.startswith("*["):  # ranging over a pointer to an array
        text = text[1:]
    if text.startswith("[]"):
        return "int" if key else text[2:].strip()
    if text.startswith("map["):
        close = _closing(text, 3)
        if close < 0:
            return None
        return text[4:close].strip() if key else text[close + 1:].strip()
    if text.startswith("["):
        close = _closing(text, 0)
        return None if close < 0 else ("int" if key else text[close + 1:].strip())
    for prefix in ("<-chan ", "chan<- ", "chan "):
        if text.startswith(prefix):
            return text[len(prefix):].strip()  # ranging over a channel: its one variable
    return None


def _closing(text: str, open_at: int) -> int:
    """Index of the `]` matching the `[` at open_at, -1 if none."""
    depth = 0
    for position in range(open_at, len(text)):
        if text[position] == "[":
            depth += 1
        elif text[position] == "]":
            depth -= 1
            if depth == 0:
                return position
    return -1
