"""Compare page: two indexed releases side by side (`kubeatlas web --db A --db B`, or two trees
loaded into Neo4j), as `kubeatlas diff` tells them: roles appearing or leaving, interface
generations, packages added, removed and moved, key interfaces' method sets, API kinds added,
graduated or removed, and main-loop functions renamed or gone."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import language, links, sources, state
from kubeatlas.app.web.words import say
from kubeatlas.graph.diff.release import diff_releases
from kubeatlas.graph.model.schema import key_of

SHOWN = 200

lang = language.chosen()
st.title(say(lang, "page_compare"))
names = sources.names() if sources.configured() else []
if len(names) < 2:
    st.info(say(lang, "compare_two"))
    st.stop()
c1, c2 = st.columns(2)
old = c1.selectbox(say(lang, "compare_older"), names, index=0, format_func=sources.label,
                   key="compare-old")
new = c2.selectbox(say(lang, "compare_newer"), names, index=1, format_func=sources.label,
                   key="compare-new")
if old == new:
    st.warning(say(lang, "compare_same"))
    st.stop()


def _added_removed(title: str, added: list[str], removed: list[str]) -> None:
    """One section: what the newer release adds and what it no longer has."""
    if not added and not removed:
        return
    st.subheader(say(lang, "compare_section", title=title, added=len(added),
                     removed=len(removed)))
    left, right = st.columns(2)
    left.markdown(say(lang, "compare_added"))
    left.dataframe([{"id": key_of(i) if ":" in i else i} for i in added[:SHOWN]], hide_index=True)
    links.more_marker(len(added) - SHOWN, left)
    right.markdown(say(lang, "compare_removed"))
    right.dataframe([{"id": key_of(i) if ":" in i else i} for i in removed[:SHOWN]], hide_index=True)
    links.more_marker(len(removed) - SHOWN, right)


with state.reported():
    diff = diff_releases(sources.atlas_of(old), sources.atlas_of(new))
    st.header(f"{diff.old} → {diff.new}")
    st.caption(say(lang, "compare_caption"))
    _added_removed(say(lang, "map_roles"), diff.roles_added, diff.roles_removed)
    if diff.variants:
        st.subheader(say(lang, "compare_generations"))
        st.dataframe(diff.variants, hide_index=True)
    _added_removed(say(lang, "compare_packages"), diff.packages_added, diff.packages_removed)
    if diff.packages_moved:
        st.subheader(say(lang, "compare_moved", count=len(diff.packages_moved)))
        st.dataframe(diff.packages_moved[:SHOWN], hide_index=True)
    if diff.interfaces:
        st.subheader(say(lang, "compare_interfaces", count=len(diff.interfaces)))
        st.dataframe([{**i, "id": key_of(i["id"])} for i in diff.interfaces], hide_index=True)
    _added_removed(say(lang, "ch_kinds"), diff.kinds_added, diff.kinds_removed)
    if diff.kinds_graduated:
        st.subheader(say(lang, "compare_graduated", count=len(diff.kinds_graduated)))
        st.dataframe(diff.kinds_graduated, hide_index=True)
    if diff.anchors:
        st.subheader(say(lang, "compare_anchors"))
        st.dataframe(diff.anchors, hide_index=True)
    if not any(diff.as_json()[k] for k in diff.as_json() if k not in ("old", "new")):
        st.success(say(lang, "compare_same_all"))
