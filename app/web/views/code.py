"""Type or function page: signature, file:line with the GitHub link, the source from the
indexed checkout, callers and callees (dispatch and function values included), methods with
the embedded ones, interfaces, roles, the live graph, and the minik8s code that mirrors it."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import index_cache, links, live_graph, minik8s_panel, picker, source_view, state
from kubeatlas.graph.model.schema import NodeKind, key_of
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.query.chains import how
from kubeatlas.graph.query.source_text import read_lines

KINDS = (NodeKind.TYPE, NodeKind.FUNCTION, NodeKind.METHOD, NodeKind.MINI_COMPONENT)
atlas = state.atlas()
tree = state.tree(atlas)
nid = picker.pick(atlas, "type, function or method (name or id)", "id", KINDS,
                  placeholder="scheduleOne, RuntimeService, kubelet.(*Kubelet).SyncPod")
if nid is None:
    st.title("Type or function")
    if not picker.waiting("id"):
        st.info("Type a name, or use the search box in the sidebar.")
    st.stop()


def _edge_table(edges, column: str, cap: int = 200) -> None:
    ids = [getattr(e, column) for e in edges]
    if not ids:
        st.caption("none")
        return
    nodes = atlas.reader.get_nodes(ids[:cap])
    st.dataframe([{"name": short_name(i), "how": how(e.kind, e.attrs),
                   "line": e.attrs.get("line") or "",
                   "declared at": links.where(nodes[i].attrs) if i in nodes else "",
                   "source": links.code_url(tree, nodes[i].attrs) if i in nodes else ""}
                  for i, e in zip(ids[:cap], edges, strict=False)],
                 column_config={"source": st.column_config.LinkColumn("source",
                                                                      display_text="GitHub")},
                 hide_index=True)
    links.more_marker(len(ids) - cap)
    with st.expander("open one"):
        links.capped_links(list(dict.fromkeys(ids)), 40)


with state.reported():
    if nid.startswith("mini:"):
        minik8s_panel.component_page(atlas, tree, nid)
        st.stop()
    card = index_cache.code_card(atlas, nid)
    a = card.node.attrs
    st.title(short_name(nid))
    kind = a.get("type_kind") or card.node.kind.lower()
    st.caption(f"{kind} · `{nid}`" + (" · test code" if a.get("is_test") else ""))
    if card.package:
        links.node_link(card.package, f"package {key_of(card.package)}")
    if card.receiver:
        links.node_link(card.receiver, f"receiver type {short_name(card.receiver)}")
    if a.get("doc"):
        st.markdown(f"> {a['doc']}")
    source = read_lines(tree.get("root"), str(a.get("file") or ""), int(a.get("line") or 1),
                        a.get("end_line"))
    st.markdown("declared at " + (links.code_md(tree, a) or "?"))
    if source.text:
        source_view.show(source.signature, line_numbers=False)
    if card.roles:
        cols = st.columns(min(4, len(card.roles)))
        for i, r in enumerate(card.roles):
            links.node_link(r, f"role: {key_of(r)}", cols[i % len(cols)])
    # only the open tab is drawn (a click on another reruns the page): the source comes first,
    # the graph and the tables only when asked for
    tabs = st.tabs(["Source", "Graph",
                    f"Callers ({len(card.callers)})", f"Callees ({len(card.callees)})",
                    f"Value references ({len(card.referenced_by) + len(card.references)})",
                    f"Methods ({len(card.members)})",
                    f"Interfaces ({len(card.implements) + len(card.implementers)})",
                    f"minik8s ({len(card.illustrated_by)})"], key="code-tab", on_change="rerun")
    if tabs[0].open:
        with tabs[0]:
            if source.text:
                last = source.first_line + source.text.count("\n")
                st.caption(f"{source.path} lines {source.first_line}–{last}, from the indexed "
                           "checkout")
                source_view.show(source.text, source.first_line)
                if source.truncated:
                    st.caption("cut at 400 lines; the GitHub link shows the rest")
            else:
                st.warning(f"Source not shown: {source.problem}. The GitHub link above still "
                           "works.")
    if tabs[1].open:
        with tabs[1]:
            live_graph.show(atlas, nid, "code")
    if tabs[2].open:
        with tabs[2]:
            st.caption("calls (direct, or through an interface method this one implements), "
                       "and hand-offs: a send on a channel, an add to a work queue or a signal "
                       "of a condition variable this one receives, takes from or waits on")
            _edge_table(card.callers, "source")
    if tabs[3].open:
        with tabs[3]:
            _edge_table(card.callees, "target")
    if tabs[4].open:
        with tabs[4]:
            st.markdown("**Passed, assigned or stored as a value by**")
            _edge_table(card.referenced_by, "source")
            st.markdown("**Uses as values**")
            _edge_table(card.references, "target")
    if tabs[5].open:
        with tabs[5]:
            own = [m for m in card.members if m.depth == 0]
            st.caption(f"{len(own)} declared here, {len(card.members) - len(own)} promoted from "
                       "embedded types")
            st.dataframe([{"method": m.name, "from": short_name(m.origin),
                           "embedded depth": m.depth} for m in card.members], hide_index=True)
            if card.members:
                with st.expander("open one"):
                    links.capped_links([m.method for m in card.members], 60,
                                       labels={m.method: f"{m.name} (from {short_name(m.origin)})"
                                               for m in card.members})
    if tabs[6].open:
        with tabs[6]:
            st.markdown(f"**Implements {len(card.implements)} interfaces**")
            _edge_table(card.implements, "target")
            if kind == "interface":
                st.markdown(f"**Implemented by {len(card.implementers)} types**")
                _edge_table(card.implementers, "source")
    if tabs[7].open:
        with tabs[7]:
            minik8s_panel.illustrations(atlas, tree, card.illustrated_by)
