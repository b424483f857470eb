"""Search page: every ranked hit for a text (exact names first, production before tests and
generated code, then size), each a link to its page."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import guard, index_cache, language, links, search_box, state, url_widget
from kubeatlas.app.web.words import say
from kubeatlas.graph.query.search import MIN_CHARS, Hit

atlas = state.atlas()
lang = language.chosen()
tree = state.tree(atlas)
st.title(say(lang, "page_search"))
wanted = guard.param("q") or ""
url_widget.follow("search-page", "q", wanted)  # "all results …" from this page shows them
text = guard.clean(st.text_input(say(lang, "search_box"), key="search-page",
                                 max_chars=guard.MAX_INPUT), say(lang, "what_search"))
if text is not None:  # the address names the search shown: none when the box is emptied
    url_widget.publish("search-page", "q", text, wanted)
if not text:
    st.info(say(lang, "search_type"))
    st.stop()
if len(text) < MIN_CHARS:
    st.warning(say(lang, "search_short", count=MIN_CHARS))
    st.stop()
LIMIT = 200
FIRST = 40  # hits drawn with the page; the rest when asked for (each row is three elements)


def _rows(hits: list[Hit]) -> None:
    for hit in hits:
        left, right = st.columns([2, 3])
        links.node_link(hit.id, search_box.label(hit), left, help=hit.id)
        right.markdown(links.code_md(tree, hit.node.attrs) or f"`{hit.id}`")


with state.reported():
    hits = index_cache.ranked_search(atlas, text, LIMIT + 1)
    if not hits:
        st.warning(say(lang, "search_nothing", text=guard.shown(text)))
        if search_box.glossary_terms(text) or search_box.roles_named(atlas, text):
            st.caption(say(lang, "search_glossary"))
            search_box.glossary_links(text, atlas)
        st.stop()
    st.caption(say(lang, "search_hits", count=min(len(hits), LIMIT))
               + (say(lang, "search_first", count=LIMIT) if len(hits) > LIMIT else ""))
    _rows(hits[:FIRST])
    rest = hits[FIRST:LIMIT]
    if rest:
        more = st.expander(say(lang, "search_more", count=len(rest)), key="search-more",
                           on_change="rerun", expanded=language.kept_open("search-more"))
        if more.open:
            with more:
                _rows(rest)
