"""Call expressions as written, taken apart into the segments resolution walks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")
_SPACE = re.compile(r"\s+")
_LITERAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?\{.*\}$", re.DOTALL)


@lru_cache(maxsize=1 << 14)  # 790k expressions on v1.28.7, 118k distinct: 1.6 -> 0.5 CPU-s
def split_segments(expr: str, value: bool = False) -> tuple[str, ...] | None:
    """`a.b(x).c` -> ("a", "b()", "c"); `a.fs[i].M` -> ("a", "fs[]", "M"); `sets.New[string]`
    -> ("sets", "New") (type arguments dropped); `x.(*T).M` -> ("x", "(*T)", "M") (a type
    assertion); `pkg.T{...}.M` -> ("pkg", "T{}", "M") (a composite literal); None for
    expressions we do not follow (other literals, parenthesised heads). With `value`, expr is
    a value rather than a callee: a trailing `[...]` indexes it (`p.byName[k]`), where a
    callee's is its type arguments."""
    segments = _split(expr, value)
    return None if segments is None else tuple(segments)


def _split(expr: str, value: bool) -> Sequence[str] | None:
    if _DOTTED.match(expr):  # the common case: a.b.c
        return expr.split(".")
    if expr.startswith("("):
        return _parenthesised(expr, value)
    segments: list[str] = []
    depth = 0
    current: list[str] = []
    position = 0
    while position < len(expr):
        ch = expr[position]
        if depth == 0 and ((ch == "(" and not current and segments) or (ch == "{" and current)):
            close = closing_bracket(expr, position)
            if close < 0:
                return None
            # `.(T)`: a type assertion names the type; `T{...}`: a literal of type T
            current.append(_SPACE.sub(" ", expr[position:close + 1]) if ch == "(" else "{}")
            position = close + 1
            continue
        if ch in "([{":
            if depth == 0 and ch == "(":
                current.append("()")
            elif depth == 0 and ch == "[" and _type_arguments(expr, position, value):
                pass  # F[T](...): an instantiation, F is what is called
            elif depth == 0 and ch == "[" and current:
                current.append("[]")  # an index expression: a.fs[i].M -> ["a", "fs[]", "M"]
            elif depth == 0:
                return None  # a leading ( or [, a literal without a type
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and not ch.isspace():  # chains broken over lines: `c.Get().\n\tName()`
            if ch == ".":
                segments.append("".join(current))
                current = []
            else:
                current.append(ch)
        position += 1
    segments.append("".join(current))
    for s in segments:
        if not (_is_assertion(s) or _PLAIN.match(s[:-2] if s.endswith("{}") else base_name(s))):
            return None
    return segments


def anchored_type(segments: Sequence[str]) -> tuple[int, str] | None:
    """The last segment whose type the text itself states, and that type: `x.(*T)` -> *T,
    `pkg.T{}` -> pkg.T (the segments before a literal's type are its package)."""
    for at in range(len(segments) - 1, -1, -1):  # (split_segments never makes the head one)
        segment = segments[at]
        if _is_assertion(segment):
            return at, segment[1:-1].strip()
        if segment.endswith("{}"):
            return at, ".".join([*segments[:at], segment[:-2]])
    return None


def _is_assertion(segment: str) -> bool:
    """`(*T)`, not the conversion head `(*T)()` nor a call suffix `()`."""
    return segment[:1] == "(" and len(segment) > 2 and closing_bracket(segment, 0) == len(segment) - 1


def _parenthesised(expr: str, value: bool) -> Sequence[str] | None:
    """`(*T)(x).M` -> ["(*T)()", "M"] (a conversion: the head names the type); `(*in)[i].M`,
    `(&x).M` and `(x).M` -> the segments of `in[i].M` and `x.M` (a dereference or an address
    changes no method a call can reach); `(&T{}).M` -> ["T{}", "M"]."""
    close = closing_bracket(expr, 0)
    if close < 0:
        return None
    inner, rest = expr[1:close].strip(), expr[close + 1:]
    if rest.startswith("("):
        end = closing_bracket(rest, 0)
        if end < 0 or not (rest[end + 1:] == "" or rest[end + 1:].startswith(".")):
            return None
        more = split_segments(rest[end + 2:], value) if rest[end + 1:] else ()
        return None if more is None else ["(" + inner + ")()", *more]
    inner = inner.lstrip("*&").strip()
    if not (_PLAIN.match(inner) or _LITERAL.match(inner)):
        return None
    return split_segments(inner + rest, value)


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


def _type_arguments(expr: str, open_at: int, value: bool) -> bool:
    """Is the `[` at open_at the start of type arguments, i.e. is its `]` followed by `(` or
    the end of a callee (the call expression's own text stops there)?"""
    close = closing_bracket(expr, open_at)
    if close < 0:
        return False
    tail = expr[close + 1:].lstrip()
    return (tail == "" and not value) or tail.startswith("(")


