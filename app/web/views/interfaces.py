"""Interfaces page: the types implementing an interface, and the interfaces a type implements
(Go structural typing; pointer receivers marked)."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import language, links, picker, state, words
from kubeatlas.app.web.words import say
from kubeatlas.graph.model.schema import EdgeKind, NodeKind, key_of
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.query.code import method_set

atlas = state.atlas()
lang = language.chosen()
tree = state.tree(atlas)
st.title(say(lang, "page_interfaces"))
tid = picker.pick(atlas, say(lang, "iface_box"), "type", (NodeKind.TYPE,),
                  placeholder="k8s.io/cri-api/pkg/apis.RuntimeService")
cap = st.slider(say(lang, "rows_shown"), 10, 1000, 100, step=10, key="interfaces-cap")
TYPE, RECEIVER, WHERE, SOURCE = (say(lang, f"col_{c}") for c in ("type", "receiver", "where",
                                                                  "source"))


def _table(edges, column: str, receiver: bool = True) -> None:
    """The types at `column` of `edges`; `receiver`: whether *T or T implements (IMPLEMENTS)."""
    other = [getattr(e, column) for e in edges]
    if not other:
        st.caption(say(lang, "none"))
        return
    nodes = atlas.reader.get_nodes(other[:cap])
    st.dataframe([{TYPE: key_of(e_id),
                   **({RECEIVER: "*T" if e.attrs.get("via_pointer") else "T"} if receiver else {}),
                   WHERE: links.where(nodes[e_id].attrs) if e_id in nodes else "",
                   SOURCE: links.code_url(tree, nodes[e_id].attrs) if e_id in nodes else ""}
                  for e_id, e in zip(other[:cap], edges, strict=False)],
                 column_config={SOURCE: st.column_config.LinkColumn(SOURCE,
                                                                    display_text="GitHub")},
                 hide_index=True)
    links.more_marker(len(other) - cap)
    if other:
        with st.expander(say(lang, "open_one")):
            links.capped_links(other, 30)


if tid:
    with state.reported():
        node = atlas.node(tid)
        kind = node.attrs.get("type_kind", "")
        st.header(key_of(tid))
        said = f"type_kind_{kind or 'other'}"
        st.markdown(say(lang, "kind_declared_at", where=links.code_md(tree, node.attrs) or "?",
                        kind=say(lang, said) if said in words.KEYS else kind))
        if node.attrs.get("doc"):
            st.caption(node.attrs["doc"])
        if kind == "interface":
            edges = atlas.implementers(tid)
            st.subheader(say(lang, "iface_implemented", count=len(edges)))
            _table(edges, "source")
        edges = atlas.interfaces_of(tid)
        if kind == "interface" and not edges:  # an interface embeds others, it implements none
            embeds = atlas.neighbours(tid, (EdgeKind.EMBEDS,))
            st.subheader(say(lang, "iface_embeds", count=len(embeds)))
            st.caption(say(lang, "iface_embeds_help"))
            _table(embeds, "target", receiver=False)
            embedded = atlas.neighbours(tid, (EdgeKind.EMBEDS,), reverse=True)
            st.subheader(say(lang, "iface_embedded_by", count=len(embedded)))
            _table(embedded, "source", receiver=False)
        else:
            st.subheader(say(lang, "iface_implements", count=len(edges)))
            _table(edges, "target")
        members = method_set(atlas, tid)
        methods = atlas.reader.get_nodes([m.method for m in members[:cap]])
        own = sum(1 for m in members if m.depth == 0)
        st.subheader(say(lang, "iface_methods", count=len(members), own=own,
                         promoted=len(members) - own))
        lines = []
        for m in members[:cap]:
            origin = "" if m.depth == 0 else say(lang, "iface_from", name=short_name(m.origin))
            loc = links.code_md(tree, methods[m.method].attrs) if m.method in methods else ""
            lines.append(f"- `{m.name}`{origin} — {loc}")
        if lines:  # one element for the list: a page draws fewer, sooner
            st.markdown("\n".join(lines))
        links.more_marker(len(members) - cap)
        links.node_link(tid, say(lang, "iface_open_type"))
