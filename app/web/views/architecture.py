"""Architecture map page: the roles grouped by plane, with TALKS_TO (protocol) and DEPENDS_ON
(weight) edges; every role links to its page."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import dot, index_cache, links, nav, state, svg_chart
from kubeatlas.graph.model.schema import EdgeKind

atlas = state.atlas()
st.title("Architecture map")
st.caption("The components a learner knows from the diagrams, found in this tree. Blue edges "
           "are the wires the diagrams draw (protocol); dashed grey edges count package imports "
           "from one role's code into another's; a dashed box, and its wires, are not in this "
           "release. Click a box, or a name below, to open the role.")

with state.reported():
    roles = index_cache.roles(atlas)
    edges = index_cache.role_edges(atlas)
    weights = sorted(int(e.attrs.get("weight", 0)) for e in edges if e.kind == EdgeKind.DEPENDS_ON)
    top = max(weights, default=1)
    labels = {p: label for p, label, _ in dot.PLANES}
    default_weight = min(max(top, 2), 20)
    default_planes = [p for p in labels if p != "library"]
    # the options are drawn when opened (their widgets' scripts would otherwise hold back the
    # map on a cold page); they keep their values while closed
    box = st.expander("Map options: edges, import weight, planes", key="map-options",
                      on_change="rerun")
    if box.open:
        c1, c2, c3, c4 = box.columns([1, 1, 2, 3])
        c1.toggle("talks to", value=True, key="map-talks", persist_state="page",
                  help="TALKS_TO edges with their protocol")
        c2.toggle("depends on", value=True, key="map-depends", persist_state="page",
                  help="DEPENDS_ON edges: package imports")
        c3.slider("min imports per edge", 1, max(top, 2), value=default_weight, key="map-weight",
                  persist_state="page", disabled=not st.session_state.get("map-depends", True))
        c4.multiselect("planes", list(labels), default=default_planes, key="map-planes",
                       persist_state="page", format_func=lambda plane: labels.get(plane, plane),
                       help="Libraries are imported by everything; add them to see how much")
    depends = bool(st.session_state.get("map-depends", True))
    min_weight = int(st.session_state.get("map-weight", default_weight))
    options = dot.MapOptions(bool(st.session_state.get("map-talks", True)), depends, min_weight,
                             tuple(st.session_state.get("map-planes", default_planes)))
    svg_chart.show(dot.architecture(roles, edges, options))
    hidden = sum(1 for w in weights if w < min_weight) if depends else len(weights)
    if hidden:
        st.caption(f"{hidden} DEPENDS_ON edges with fewer imports are hidden.")

    st.subheader("Roles")
    columns = st.columns(len(dot.PLANES))
    for (plane, label, _), column in zip(dot.PLANES, columns, strict=True):
        column.markdown(f"**{label}**")
        for r in (r for r in roles if r.attrs.get("plane") == plane):
            absent = "" if r.attrs.get("present", True) else " (not in this release)"
            links.node_link(r.id, (r.attrs.get("name") or r.name) + absent, column,
                            help=r.attrs.get("summary_en") or None)
    st.page_link(nav.NOTES, label="Study note: creating a Deployment, step by step",
                 query_params={"subject": "deployment-flow"}, icon=":material/edit_note:")
