"""Interfaces page: the types implementing an interface, and the interfaces a type implements
(Go structural typing; pointer receivers marked)."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import links, picker, state
from kubeatlas.graph.model.schema import NodeKind, key_of
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.query.code import method_set

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
                  for e_id, e in zip(other[:cap], edges, strict=False)],
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
        members = method_set(atlas, tid)
        methods = atlas.reader.get_nodes([m.method for m in members[:cap]])
        own = sum(1 for m in members if m.depth == 0)
        st.subheader(f"Methods ({len(members)}: {own} declared here, {len(members) - own} "
                     "embedded)")
        lines = []
        for m in members[:cap]:
            origin = "" if m.depth == 0 else f" (from `{short_name(m.origin)}`)"
            loc = links.code_md(tree, methods[m.method].attrs) if m.method in methods else ""
            lines.append(f"- `{m.name}`{origin} — {loc}")
        if lines:  # one element for the list: a page draws fewer, sooner
            st.markdown("\n".join(lines))
        links.more_marker(len(members) - cap)
        links.node_link(tid, "open the type page (source, graph, callers)")
