"""Composite type texts taken apart: the element of `[]T`, `[N]T`, `map[K]V`, `chan T`, the
results of `func(…) (A, B)`."""

from __future__ import annotations

from kubeatlas.graph.resolve.callexpr import closing_bracket


def element_text(type_text: str, key: bool = False) -> str | None:
    """What ranging over, indexing or receiving from a value of this type yields: the element
    (or, with `key`, the key: `int` for slices and arrays); None for a named or other type."""
    text = type_text.strip()
    if text.startswith("..."):  # a variadic parameter `checks ...HealthChecker` is a slice
        return "int" if key else text[3:].strip()
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


_KEYWORD_TYPES = ("chan", "func", "map", "struct", "interface")


def func_results(type_text: str) -> list[str] | None:
    """The result types of a func type: `func(ctx) (v1.Object, error)` -> ["v1.Object",
    "error"], `func() (n int, err error)` -> ["int", "error"], `func()` -> []; None for a
    type that is not written as a func."""
    text = type_text.strip()
    if not text.startswith("func("):
        return None
    close = closing_bracket(text, 4)
    if close < 0:
        return None
    rest = text[close + 1:].strip()
    if not rest:
        return []
    if not rest.startswith("("):
        return [rest]
    end = closing_bracket(rest, 0)
    if end < 0:
        return None
    items = _top_level_split(rest[1:end])
    if not items or not _is_named(items[-1]):
        return items
    types: list[str] = []  # `(a, b int, err error)`: a name without a type takes the next one's
    for item in reversed(items):
        types.append(item.split(" ", 1)[1].strip() if _is_named(item) else types[-1])
    return types[::-1]


def _is_named(item: str) -> bool:
    """`err error`, not `chan int` nor `error`."""
    head, space, _ = item.partition(" ")
    return bool(space) and head.isidentifier() and head not in _KEYWORD_TYPES


def _top_level_split(text: str) -> list[str]:
    """`a, b map[K]V, c` split at the commas outside brackets, each part trimmed."""
    parts, depth, start = [], 0, 0
    for position, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:position].strip())
            start = position + 1
    parts.append(text[start:].strip())
    return [part for part in parts if part]
