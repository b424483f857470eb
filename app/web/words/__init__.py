"""The explorer's own words (page titles, headings, captions, labels, messages) in English and
Chinese, one module per page (and `shared` for the sidebar and what pages share); `say(lang,
key, ...)` fills one in. Terms that stay English in Chinese follow
data/glossary.yaml (API kinds, component names, Go identifiers; controller -> 控制器, entry point
-> 入口, main loop -> 主循环). The notes' own sentences are graph/notes/lang.py's."""

from __future__ import annotations

from typing import Any

from kubeatlas.app.web.words import (
    architecture,
    code,
    compare,
    console,
    deps,
    interfaces,
    kinds,
    mini,
    notes,
    package,
    role,
    search,
    shared,
)
from kubeatlas.graph.notes.lang import LANGS
from kubeatlas.graph.notes.lang import say as notes_say

LANGUAGES = dict(zip(LANGS, ("English", "中文"), strict=True))  # as the switch shows them

_PAGES = (shared, architecture, role, package, code, search, deps, interfaces, kinds, compare,
          console, notes, mini)


def _merged() -> dict[str, tuple[str, str]]:
    """Every page's words in one table; a key two pages both define is a mistake."""
    merged: dict[str, tuple[str, str]] = {}
    for page in _PAGES:
        twice = merged.keys() & page.TEXT.keys()
        if twice:
            raise AssertionError(f"{page.__name__} defines words already defined: {sorted(twice)}")
        merged.update(page.TEXT)
    return merged


_TEXT = _merged()
KEYS = frozenset(_TEXT)  # the explorer's own words (a key not here is the notes')


def say(lang: str, key: str, **values: Any) -> str:
    """The words `key` in `lang` (English for a language the explorer does not speak); a key
    this table lacks is the notes' (graph/notes/lang.py: `index_absent`, `ch_kinds`, …)."""
    if key not in _TEXT:
        return notes_say(lang if lang in LANGS else "en", key, **values)
    en, zh = _TEXT[key]
    return (zh if lang == "zh" else en).format(**values)


def both(key: str, **values: Any) -> tuple[str, str]:
    """The words `key` in English and in Chinese (a tab's labels, kept across a switch)."""
    return say("en", key, **values), say("zh", key, **values)
