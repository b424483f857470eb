"""Architecture map page: the roles grouped by plane, with TALKS_TO (protocol) and DEPENDS_ON
(weight) edges; every role links to its page."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import dot, index_cache, language, links, nav, state, svg_chart
from kubeatlas.app.web.words import say
from kubeatlas.graph.model.schema import EdgeKind
from kubeatlas.graph.notes.glossary import phrase

atlas = state.atlas()
lang = language.chosen()
st.title(say(lang, "page_architecture"))
st.caption(say(lang, "map_intro"))

with state.reported():
    roles = index_cache.roles(atlas)
    edges = index_cache.role_edges(atlas)
    weights = sorted(int(e.attrs.get("weight", 0)) for e in edges if e.kind == EdgeKind.DEPENDS_ON)
    top = max(weights, default=1)
    labels = {p: say(lang, f"plane_{p}") for p, _, _ in dot.PLANES}
    default_weight = min(max(top, 2), 20)
    default_planes = [p for p in labels if p != "library"]
    # the options are drawn when opened (their widgets' scripts would otherwise hold back the
    # map on a cold page); they keep their values while closed
    box = st.expander(say(lang, "map_options"), key="map-options", on_change="rerun",
                      expanded=language.kept_open("map-options"))
    if box.open:
        c1, c2, c3, c4 = box.columns([1, 1, 2, 3])
        c1.toggle(say(lang, "map_talks"), value=True, key="map-talks", persist_state="page",
                  help=say(lang, "map_talks_help"))
        c2.toggle(say(lang, "map_depends"), value=True, key="map-depends", persist_state="page",
                  help=say(lang, "map_depends_help"))
        c3.slider(say(lang, "map_weight"), 1, max(top, 2), value=default_weight, key="map-weight",
                  persist_state="page", disabled=not st.session_state.get("map-depends", True))
        c4.multiselect(say(lang, "map_planes"), list(labels), default=default_planes, key="map-planes",
                       persist_state="page", format_func=lambda plane: labels.get(plane, plane),
                       help=say(lang, "map_planes_help"), placeholder=say(lang, "choose_options"))
    depends = bool(st.session_state.get("map-depends", True))
    min_weight = int(st.session_state.get("map-weight", default_weight))
    options = dot.MapOptions(bool(st.session_state.get("map-talks", True)), depends, min_weight,
                             tuple(st.session_state.get("map-planes", default_planes)),
                             link_suffix="".join(f"&{k}={v}" for k, v in language.params().items()),
                             plane_labels=tuple(labels.items()), lang=lang)
    svg_chart.show(dot.architecture(roles, edges, options))
    hidden = sum(1 for w in weights if w < min_weight) if depends else len(weights)
    if hidden:
        st.caption(say(lang, "map_hidden", count=hidden))

    st.subheader(say(lang, "map_roles"))
    columns = st.columns(len(dot.PLANES))
    summary = "summary_zh" if lang == "zh" else "summary_en"
    for (plane, _, _), column in zip(dot.PLANES, columns, strict=True):
        column.markdown(f"**{labels[plane]}**")
        for r in (r for r in roles if r.attrs.get("plane") == plane):
            absent = "" if r.attrs.get("present", True) else say(lang, "index_absent")
            links.node_link(r.id, phrase(r.attrs.get("name") or r.name, lang) + absent, column,
                            help=r.attrs.get(summary) or r.attrs.get("summary_en") or None)
    st.page_link(nav.NOTES, label=say(lang, "map_note"), icon=":material/edit_note:",
                 query_params=language.params({"subject": "deployment-flow"}))
