"""The explorer's one language choice: a 中文/English switch in the sidebar, mirrored in the URL
as `lang` (a link, a copied address or a reload keeps it). English is the default and stays out
of an address that does not name it; a link or the navigation that drops `lang` keeps the
session's choice, and links drawn by the pages carry it (a new tab opens in it too)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from kubeatlas.app.web import guard, url_widget, words
from kubeatlas.graph.notes.lang import LANGS

KEY = "lang"  # the switch's state
PARAM = "lang"  # its URL parameter, the one the notes page has always read
DEFAULT = "en"
_REFUSED = "lang--refused"  # what this run's URL asked for that is no language of ours


def language(text: str) -> str | None:
    """A language from the URL: `zh`, `ZH`, `zh-CN`, `zh_Hans` -> zh; None if unknown."""
    code = text.strip().lower().replace("_", "-").split("-", 1)[0]
    return code if code in LANGS else None


def switch(container: Any = st.sidebar) -> str:
    """Draw the switch (before the page, so the whole run speaks the language chosen) and
    return its language."""
    asked = guard.param(PARAM, "") or ""  # control characters: an error, and the default
    wanted = language(asked) if asked else chosen()
    st.session_state[_REFUSED] = asked if asked and wanted is None else ""
    url_widget.follow(KEY, PARAM, wanted or DEFAULT)
    lang = container.radio(words.say(DEFAULT, "language"), list(LANGS), key=KEY,
                           format_func=lambda code: words.LANGUAGES.get(code, code),
                           horizontal=True)
    # the URL's own (English when it names none: the default is not written into an address)
    url_widget.publish(KEY, PARAM, lang, asked or DEFAULT)
    return chosen()


def chosen() -> str:
    """The language this session reads the explorer in."""
    lang = st.session_state.get(KEY, DEFAULT)
    return lang if lang in LANGS else DEFAULT


def warn_refused(what: str) -> None:
    """Say that the URL asked for a language there is none of, and that English is shown;
    `what` is the page's own word for what the language chooses (note, page)."""
    asked = st.session_state.get(_REFUSED)
    if asked:
        st.warning(words.say(DEFAULT, "no_language", asked=guard.shown(asked),
                             what=words.say(DEFAULT, f"what_{what}")))


def tab_labels(key: str, labels: Sequence[tuple[str, str]]) -> list[str]:
    """The labels (en, zh) of the tabs `key` in the language chosen. A tab is kept open by its
    label: the one open in the other language becomes its label in this one, so a switch of
    language keeps the reader on the tab they were reading."""
    index = LANGS.index(chosen())
    open_ = st.session_state.get(key)
    for pair in labels:
        if open_ in pair and open_ != pair[index]:
            st.session_state[key] = pair[index]
    return [pair[index] for pair in labels]


def kept_open(key: str) -> bool:
    """The `expanded` to draw the expander `key` with: Streamlit knows an expander by its label,
    so on a switch of language it would close; it is drawn open when it was open before."""
    lang, drawn = chosen(), f"{key}--lang"
    if st.session_state.get(drawn) not in (None, lang):
        st.session_state[f"{key}--open"] = bool(st.session_state.get(key, False))
    st.session_state[drawn] = lang
    return bool(st.session_state.get(f"{key}--open", False))


def params(query: Mapping[str, str] | None = None) -> dict[str, str]:
    """The query parameters of a link, with the language when it is not the default."""
    lang = chosen()
    return {**(query or {}), **({PARAM: lang} if lang != DEFAULT else {})}
