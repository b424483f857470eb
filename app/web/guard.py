"""What a user types or puts in a URL, checked before it reaches a query: control characters
refused, length capped, and echoed back only shortened — one clear message, never a traceback."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

MAX_INPUT = 300  # characters a name, id or search text may have
SHOWN = 60  # characters of a refused or unknown input echoed in a message
# C0 and C1 controls, and the bidirectional overrides and isolates that would reorder how an
# echoed name reads (U+202A-U+202E, U+2066-U+2069, the marks U+200E, U+200F and U+061C)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def shown(text: str, limit: int = SHOWN) -> str:
    """`text` for a message: control characters escaped, cut to `limit` characters."""
    safe = _CONTROL.sub(_escaped, text)
    if len(safe) > limit:
        return f"{safe[:limit]}… ({len(text)} characters)"
    return safe


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def problem(text: str, what: str) -> str:
    """Why `text` is refused as a `what` ('' when it is acceptable)."""
    if _CONTROL.search(text):
        return f"the {what} '{shown(text)}' contains control characters; refused"
    if len(text) > MAX_INPUT:
        return f"the {what} is too long ({len(text)} characters, at most {MAX_INPUT}); refused"
    return ""


def clean(text: str, what: str, container: Any = st) -> str | None:
    """`text` stripped, or None after an st.error when it is refused."""
    why = problem(text, what)
    if why:
        container.error(why)
        return None
    return text.strip()


def param(name: str, default: str = "", container: Any = st) -> str | None:
    """The URL query parameter `name` (or `default`, also for `?name=` left empty), None after
    an st.error when refused."""
    value = st.query_params.get(name, default)
    if not isinstance(value, str) or not value.strip():
        value = default
    return clean(value, f"URL parameter {name!r}", container)


def unknown(what: str, text: str, container: Any = st) -> None:
    """The message for a well-formed name that names nothing in this index."""
    container.error(f"no {what} '{shown(text)}' in this index; pick one below or search "
                    "in the sidebar")
