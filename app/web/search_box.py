"""The search box on every page (sidebar): type-ahead over roles, API kinds, packages, types,
functions, methods and minik8s components, ranked; a hit is a link to its page."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import guard, links, nav
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.query.search import MIN_CHARS, Hit, ranked_search

SHOWN_HITS = 8
_BADGE = {"Role": "role", "ApiKind": "kind", "Package": "pkg", "ExternalPackage": "ext",
          "Type": "type", "Function": "func", "Method": "method", "MiniComponent": "mini"}


def label(hit: Hit) -> str:
    tag = "" if hit.tier == "production" else f" · {hit.tier}"
    return f"{short_name(hit.id)}  ({_BADGE.get(hit.node.kind, hit.node.kind)}{tag})"


def sidebar(atlas: Atlas) -> None:
    with st.sidebar:
        _box(atlas)


@st.fragment
def _box(atlas: Atlas) -> None:
    typed = st.text_input("Search", key="search-box", type="search", live="150ms",
                          placeholder="scheduleOne, kubelet, Deployment …", max_chars=guard.MAX_INPUT)
    text = guard.clean(typed or "", "search text")
    if not text:
        return
    if len(text) < MIN_CHARS:
        st.caption(f"type {MIN_CHARS} characters or more")
        return
    hits = ranked_search(atlas.reader, text, SHOWN_HITS + 1)
    if not hits:
        st.caption(f"nothing named like '{guard.shown(text)}'")
        return
    for hit in hits[:SHOWN_HITS]:
        links.node_link(hit.id, label(hit), help=hit.id)
    st.page_link(nav.SEARCH, label="all results …", query_params={"q": text},
                 icon=":material/search:")
