"""Search page: every ranked hit for a text (exact names first, production before tests and
generated code, then size), each a link to its page."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import guard, links, search_box, state
from kubeatlas.graph.query.search import MIN_CHARS, ranked_search

atlas = state.atlas()
tree = state.tree(atlas)
st.title("Search")
wanted = guard.param("q") or ""
text = guard.clean(st.text_input("name or part of one", value=wanted, key="search-page",
                                 max_chars=guard.MAX_INPUT), "search text")
if not text:
    st.info("Type a name: a role, an API kind, a package, a type, a function or a method.")
    st.stop()
if text != wanted:
    st.query_params["q"] = text
if len(text) < MIN_CHARS:
    st.warning(f"Type {MIN_CHARS} characters or more.")
    st.stop()
limit = 200
with state.reported():
    hits = ranked_search(atlas.reader, text, limit + 1)
    if not hits:
        st.warning(f"Nothing named like '{guard.shown(text)}' in this index.")
        st.stop()
    st.caption(f"{min(len(hits), limit)} hits" + (" (first 200)" if len(hits) > limit else ""))
    for hit in hits[:limit]:
        left, right = st.columns([2, 3])
        links.node_link(hit.id, search_box.label(hit), left, help=hit.id)
        right.markdown(links.code_md(tree, hit.node.attrs) or f"`{hit.id}`")
