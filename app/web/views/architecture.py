"""Architecture map page: the roles grouped by plane, with TALKS_TO (protocol) and DEPENDS_ON
(weight) edges; every role links to its page."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import dot, index_cache, links, nav, state
from kubeatlas.graph.model.schema import EdgeKind

atlas = state.atlas()
st.title("Architecture map")
st.caption("The components a learner knows from the diagrams, found in this tree. Blue edges "
           "are the wires the diagrams draw (protocol); dashed grey edges count package imports "
           "from one role's code into another's. Click a box, or a name below, to open the role.")

with state.reported():
    roles = index_cache.roles(atlas)
    edges = index_cache.role_edges(atlas)
    weights = sorted(int(e.attrs.get("weight", 0)) for e in edges if e.kind == EdgeKind.DEPENDS_ON)
    c1, c2, c3, c4 = st.columns([1, 1, 2, 3])
    talks = c1.toggle("talks to", value=True, help="TALKS_TO edges with their protocol")
    depends = c2.toggle("depends on", value=True, help="DEPENDS_ON edges: package imports")
    top = max(weights, default=1)
    min_weight = c3.slider("min imports per edge", 1, max(top, 2),
                           value=min(max(top, 2), 20), disabled=not depends)
    labels = {p: label for p, label, _ in dot.PLANES}
    planes = c4.multiselect("planes", list(labels), default=[p for p in labels if p != "library"],
                            format_func=lambda plane: labels.get(plane, plane),
                            help="Libraries are imported by everything; add them to see how much")
    options = dot.MapOptions(talks, depends, min_weight, tuple(planes))
    st.graphviz_chart(dot.architecture(roles, edges, options), width="stretch")
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
