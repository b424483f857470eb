"""Compare page: two indexed releases side by side (`kubeatlas web --db A --db B`, or two trees
loaded into Neo4j) — counts by kind, packages and API kinds added and removed, roles that
grew or shrank."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import links, sources, state
from kubeatlas.graph.model.schema import key_of
from kubeatlas.graph.query.compare import compare_trees

SHOWN = 200

st.title("Compare releases")
names = sources.names() if sources.configured() else []
if len(names) < 2:
    st.info("Start the app with two indexes (`kubeatlas web --db A.sqlite --db B.sqlite`) or "
            "on a Neo4j server holding two loaded trees (`kubeatlas web --neo4j`) to compare "
            "releases.")
    st.stop()
c1, c2 = st.columns(2)
old = c1.selectbox("older", names, index=0, format_func=sources.label, key="compare-old")
new = c2.selectbox("newer", names, index=1, format_func=sources.label, key="compare-new")
if old == new:
    st.warning("Choose two different indexes.")
    st.stop()
with state.reported():
    diff = compare_trees(sources.atlas_of(old), sources.atlas_of(new))
    st.header(f"{diff.old} → {diff.new}")
    st.dataframe([{"kind": k, diff.old: a, diff.new: b, "change": b - a}
                  for k, a, b in diff.counts], hide_index=True)
    for kind in diff.added:
        added, removed = diff.added[kind], diff.removed[kind]
        if not added and not removed:
            continue
        st.subheader(f"{kind}: {len(added)} added, {len(removed)} removed")
        left, right = st.columns(2)
        left.markdown("**added**")
        left.dataframe([{"id": key_of(i)} for i in added[:SHOWN]], hide_index=True)
        links.more_marker(len(added) - SHOWN, left)
        right.markdown("**removed**")
        right.dataframe([{"id": key_of(i)} for i in removed[:SHOWN]], hide_index=True)
        links.more_marker(len(removed) - SHOWN, right)
    st.subheader("Roles")
    st.dataframe([{"role": key_of(r), f"packages {diff.old}": a, f"packages {diff.new}": b,
                   "change": b - a} for r, a, b in diff.roles], hide_index=True)
