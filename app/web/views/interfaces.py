"""Interfaces page: the types implementing an interface, and the interfaces a type implements
(Go structural typing; pointer receivers marked)."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import links, picker, state
from kubeatlas.graph.model.schema import EdgeKind, NodeKind, key_of

atlas = state.atlas()
tree = state.tree(atlas)
st.title("Interfaces")
tid = picker.pick(atlas, "interface or type", "type", (NodeKind.TYPE,),
                  placeholder="k8s.io/cri-api/pkg/apis.RuntimeService")
cap = st.slider("rows shown", 10, 1000, 100, step=10)


def _table(edges, column: str) -> None:
    other = [getattr(e, column) for e in edges]
    if not other:
        st.caption("none")
        return
    nodes = atlas.reader.get_nodes(other[:cap])
    st.dataframe([{"type": key_of(e_id), "receiver": "*T" if e.attrs.get("via_pointer") else "T",
                   "where": links.where(nodes[e_id].attrs) if e_id in nodes else "",
                   "source": links.code_url(tree, nodes[e_id].attrs) if e_id in nodes else ""}
                  for e_id, e in zip(other[:cap], edges)],
                 column_config={"source": st.column_config.LinkColumn("source",
                                                                      display_text="GitHub")},
                 hide_index=True)
    links.more_marker(len(other) - cap)
    if other:
        with st.expander("open one"):
            links.capped_links(other, 30)


if tid:
    with state.reported():
        node = atlas.node(tid)
        kind = node.attrs.get("type_kind", "")
        st.header(key_of(tid))
        st.markdown(f"{kind or 'type'} declared at {links.code_md(tree, node.attrs) or '?'}")
        if node.attrs.get("doc"):
            st.caption(node.attrs["doc"])
        if kind == "interface":
            edges = atlas.implementers(tid)
            st.subheader(f"Implemented by {len(edges)} types")
            _table(edges, "source")
        edges = atlas.interfaces_of(tid)
        st.subheader(f"Implements {len(edges)} interfaces")
        _table(edges, "target")
        methods = atlas.reader.get_nodes(
            [e.target for e in atlas.neighbours(tid, (EdgeKind.HAS_METHOD,))])
        st.subheader(f"Methods ({len(methods)})")
        for m in sorted(methods.values(), key=lambda m: (m.attrs.get("line", 0), m.id))[:cap]:
            st.markdown(f"- `{m.name}` — {links.code_md(tree, m.attrs)}")
        links.more_marker(len(methods) - cap)
