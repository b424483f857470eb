"""Search page: every ranked hit for a text (exact names first, production before tests and
generated code, then size), each a link to its page."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import guard, index_cache, links, search_box, state, url_widget
from kubeatlas.graph.query.search import MIN_CHARS, Hit

atlas = state.atlas()
tree = state.tree(atlas)
st.title("Search")
wanted = guard.param("q") or ""
url_widget.follow("search-page", "q", wanted)  # "all results …" from this page shows them
text = guard.clean(st.text_input("name or part of one", key="search-page",
                                 max_chars=guard.MAX_INPUT), "search text")
if not text:
    st.info("Type a name: a role, an API kind, a package, a type, a function or a method.")
    st.stop()
url_widget.publish("search-page", "q", text, wanted)
if len(text) < MIN_CHARS:
    st.warning(f"Type {MIN_CHARS} characters or more.")
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
        st.warning(f"Nothing named like '{guard.shown(text)}' in this index.")
        if search_box.glossary_terms(text):
            st.caption("The code's names are English; the glossary of the Chinese notes says:")
            search_box.glossary_links(text)
        st.stop()
    st.caption(f"{min(len(hits), LIMIT)} hits" + (" (first 200)" if len(hits) > LIMIT else ""))
    _rows(hits[:FIRST])
    rest = hits[FIRST:LIMIT]
    if rest:
        more = st.expander(f"{len(rest)} more hits", key="search-more", on_change="rerun")
        if more.open:
            with more:
                _rows(rest)
