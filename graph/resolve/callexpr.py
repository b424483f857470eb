"""Call expressions as written, taken apart into the segments resolution walks."""

from __future__ import annotations

import re

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")


def split_segments(expr: str) -> list[str] | None:
    """`a.b(x).c` -> ["a", "b()", "c"]; `a.fs[i].M` -> ["a", "fs[]", "M"]; `sets.New[string]`
    -> ["sets", "New"] (type arguments dropped); None for expressions we do not follow
    (literals, parenthesised heads)."""
    if _DOTTED.match(expr):  # the common case: a.b.c
        return expr.split(".")
    if expr.startswith("("):
        return _parenthesised(expr)
    segments: list[str] = []
    depth = 0
    current: list[str] = []
    for position, ch in enumerate(expr):
        if ch in "([{":
            if depth == 0 and ch == "(":
                current.append("()")
            elif depth == 0 and ch == "[" and _type_arguments(expr, position):
                pass  # F[T](...): an instantiation, F is what is called
            elif depth == 0 and ch == "[" and current:
                current.append("[]")  # an index expression: a.fs[i].M -> ["a", "fs[]", "M"]
            elif depth == 0:
                return None  # composite literals, a leading ( or [
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and not ch.isspace():  # chains broken over lines: `c.Get().\n\tName()`
            if ch == ".":
                segments.append("".join(current))
                current = []
            else:
                current.append(ch)
    segments.append("".join(current))
    for s in segments:
        if not _PLAIN.match(base_name(s)):
            return None
    return segments


def _parenthesised(expr: str) -> list[str] | None:
    """`(*T)(x).M` -> ["(*T)()", "M"] (a conversion: the head names the type); `(*in)[i].M`
    and `(x).M` -> the segments of `in[i].M` and `x.M` (a dereference changes no method set)."""
    close = closing_bracket(expr, 0)
    if close < 0:
        return None
    inner, rest = expr[1:close].strip(), expr[close + 1:]
    if rest.startswith("("):
        end = closing_bracket(rest, 0)
        if end < 0 or not (rest[end + 1:] == "" or rest[end + 1:].startswith(".")):
            return None
        more = split_segments(rest[end + 2:]) if rest[end + 1:] else []
        return None if more is None else ["(" + inner + ")()", *more]
    inner = inner.lstrip("*").strip()
    if not _PLAIN.match(inner):
        return None
    return split_segments(inner + rest)


def closing_bracket(text: str, open_at: int) -> int:
    """Index of the bracket closing the one at open_at (any of `([{`), -1 if none."""
    depth = 0
    for position in range(open_at, len(text)):
        if text[position] in "([{":
            depth += 1
        elif text[position] in ")]}":
            depth -= 1
            if depth == 0:
                return position
    return -1


def base_name(segment: str) -> str:
    """`b()[]` -> `b`: a segment without its call and index suffixes."""
    cut = len(segment)
    while segment[:cut].endswith(("()", "[]")):
        cut -= 2
    return segment[:cut]


def suffixes(segment: str) -> list[str]:
    """`b()[]` -> ["()", "[]"]: the calls and indexes applied to the segment's name, in order."""
    rest = segment[len(base_name(segment)):]
    return [rest[i:i + 2] for i in range(0, len(rest), 2)]


def _type_arguments(expr: str, open_at: int) -> bool:
    """Is the `[` at open_at the start of type arguments, i.e. is its `]` the callee's end
    (the call expression's own text stops there) or followed by `(`?"""
    close = closing_bracket(expr, open_at)
    if close < 0:
        return False
    tail = expr[close + 1:].lstrip()
    return tail == "" or tail.startswith("(")


