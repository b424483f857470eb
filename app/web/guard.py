"""What a user types or puts in a URL, checked before it reaches a query: control characters
refused, length capped, and echoed back only shortened — one clear message (in the language
chosen), never a traceback."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from kubeatlas.app.web import language
from kubeatlas.app.web.words import say
from kubeatlas.graph.notes.lang import amid_han

MAX_INPUT = 300  # characters a name, id or search text may have
SHOWN = 60  # characters of a refused or unknown input echoed in a message
# C0 and C1 controls, and the bidirectional overrides and isolates that would reorder how an
# echoed name reads (U+202A-U+202E, U+2066-U+2069, the marks U+200E, U+200F and U+061C)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def shown(text: str, limit: int = SHOWN) -> str:
    """`text` for a message: control characters escaped, cut to `limit` characters."""
    safe = _CONTROL.sub(_escaped, text)
    if len(safe) > limit:
        return say(language.chosen(), "shown_cut", text=safe[:limit], count=len(text))
    return safe


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def problem(text: str, what: str) -> str:
    """Why `text` is refused as a `what` ('' when it is acceptable)."""
    if _CONTROL.search(text):
        return say(language.chosen(), "refused_control", what=what, text=shown(text))
    if len(text) > MAX_INPUT:
        return say(language.chosen(), "refused_long", what=what, count=len(text), limit=MAX_INPUT)
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
    return clean(value, say(language.chosen(), "what_param", name=name), container)


def unknown(what: str, text: str, container: Any = st) -> None:
    """The message for a well-formed name that names nothing in this index; `what` is said in
    the language chosen (`role`, `API kind`)."""
    lang = language.chosen()  # 没有 API 类型: a space where Chinese meets Latin
    container.error(say(lang, "unknown_name", what=amid_han(what) if lang == "zh" else what,
                        text=shown(text)))
