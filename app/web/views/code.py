"""Type or function page, in the language chosen: signature, file:line with the GitHub link,
the source from the indexed checkout, callers and callees (dispatch and function values
included), methods with the embedded ones, interfaces, roles, the live graph, and the minik8s
code that mirrors it."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import (
    chain_view,
    index_cache,
    language,
    links,
    live_graph,
    minik8s_panel,
    picker,
    search_box,
    source_view,
    state,
)
from kubeatlas.app.web.words import both, say
from kubeatlas.graph.model.schema import EdgeKind, NodeKind, key_of
from kubeatlas.graph.notes import lang as notes_lang
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.query.chains import how
from kubeatlas.graph.query.source_text import read_lines

KINDS = (NodeKind.TYPE, NodeKind.FUNCTION, NodeKind.METHOD, NodeKind.MINI_COMPONENT)
atlas = state.atlas()
tree = state.tree(atlas)
lang = language.chosen()
nid = picker.pick(atlas, say(lang, "code_box"), "id", KINDS,
                  placeholder="scheduleOne, RuntimeService, kubelet.(*Kubelet).SyncPod")
if nid is None:
    st.title(say(lang, "page_code"))
    if not picker.waiting("id"):
        st.info(say(lang, "code_type"))
    st.stop()


def _edge_table(edges, column: str, cap: int = 200) -> None:
    ids = [getattr(e, column) for e in edges]
    if not ids:
        st.caption(notes_lang.say(lang, "none"))
        return
    nodes = atlas.reader.get_nodes(ids[:cap])
    name, said, line, declared, source = (say(lang, k) for k in (
        "col_name", "col_how", "col_line", "col_declared", "col_source"))
    st.dataframe([{name: short_name(i), said: chain_view.how_said(how(e.kind, e.attrs)),
                   line: e.attrs.get("line") or "",
                   declared: links.where(nodes[i].attrs) if i in nodes else "",
                   source: links.code_url(tree, nodes[i].attrs) if i in nodes else ""}
                  for i, e in zip(ids[:cap], edges, strict=False)],
                 column_config={source: st.column_config.LinkColumn(source,
                                                                    display_text="GitHub")},
                 hide_index=True)
    links.more_marker(len(ids) - cap)
    with st.expander(say(lang, "open_one")):
        links.capped_links(list(dict.fromkeys(ids)), 40)


with state.reported():
    if nid.startswith("mini:"):
        minik8s_panel.component_page(atlas, tree, nid)
        st.stop()
    card = index_cache.code_card(atlas, nid)
    a = card.node.attrs
    st.title(short_name(nid))
    kind = a.get("type_kind") or card.node.kind.lower()
    said_kind = search_box.badge(card.node.kind, str(a.get("type_kind") or ""))
    st.caption(f"{said_kind} · `{nid}`" + (say(lang, "code_test") if a.get("is_test") else ""))
    if card.package:
        links.node_link(card.package, say(lang, "code_package", name=key_of(card.package)))
    if card.receiver:
        links.node_link(card.receiver, say(lang, "code_receiver", name=short_name(card.receiver)))
    if a.get("doc"):
        st.markdown(f"> {a['doc']}")
    source = read_lines(tree.get("root"), str(a.get("file") or ""), int(a.get("line") or 1),
                        a.get("end_line"))
    st.markdown(say(lang, "declared_at", where=links.code_md(tree, a) or "?"))
    if source.text:
        source_view.show(source.signature, line_numbers=False)
    if card.roles:
        cols = st.columns(min(4, len(card.roles)))
        for i, r in enumerate(card.roles):
            links.node_link(r, say(lang, "code_role", name=key_of(r)), cols[i % len(cols)])
    # only the open tab is drawn (a click on another reruns the page): the source comes first,
    # the graph and the tables only when asked for
    tabs = st.tabs(language.tab_labels("code-tab", [
        both("tab_source"), both("tab_graph"),
        both("tab_callers", count=len(card.callers)), both("tab_callees", count=len(card.callees)),
        both("tab_values", count=len(card.referenced_by) + len(card.references)),
        both("tab_methods", count=len(card.members)),
        both("tab_interfaces", count=len(card.implements) + len(card.implementers)),
        both("tab_mini", count=len(card.illustrated_by))]), key="code-tab", on_change="rerun")
    if tabs[0].open:
        with tabs[0]:
            if source.text:
                last = source.first_line + source.text.count("\n")
                st.caption(say(lang, "code_lines", path=source.path, first=source.first_line,
                               last=last))
                source_view.show(source.text, source.first_line)
                if source.truncated:
                    st.caption(say(lang, "code_cut"))
            else:
                st.warning(say(lang, "code_no_source", problem=source.problem))
    if tabs[1].open:
        with tabs[1]:
            live_graph.show(atlas, nid, "code")
    if tabs[2].open:
        with tabs[2]:
            st.caption(say(lang, "code_callers"))
            _edge_table(card.callers, "source")
    if tabs[3].open:
        with tabs[3]:
            _edge_table(card.callees, "target")
    if tabs[4].open:
        with tabs[4]:
            st.markdown(say(lang, "code_valued_by"))
            _edge_table(card.referenced_by, "source")
            st.markdown(say(lang, "code_values"))
            _edge_table(card.references, "target")
    if tabs[5].open:
        with tabs[5]:
            own = [m for m in card.members if m.depth == 0]
            st.caption(say(lang, "code_members", own=len(own),
                           promoted=len(card.members) - len(own)))
            st.dataframe([{say(lang, "col_method"): m.name,
                           say(lang, "col_from"): short_name(m.origin),
                           say(lang, "col_embedded_depth"): m.depth} for m in card.members],
                         hide_index=True)
            if card.members:
                with st.expander(say(lang, "open_one")):
                    links.capped_links([m.method for m in card.members], 60, labels={
                        m.method: say(lang, "code_member", name=m.name,
                                      origin=short_name(m.origin)) for m in card.members})
    if tabs[6].open:
        with tabs[6]:
            if kind == "interface" and not card.implements:  # it embeds others, implements none
                embeds = atlas.neighbours(card.node.id, (EdgeKind.EMBEDS,))
                st.markdown(f"**{say(lang, 'iface_embeds', count=len(embeds))}**")
                _edge_table(embeds, "target")
                embedded = atlas.neighbours(card.node.id, (EdgeKind.EMBEDS,), reverse=True)
                st.markdown(f"**{say(lang, 'iface_embedded_by', count=len(embedded))}**")
                _edge_table(embedded, "source")
            else:
                st.markdown(say(lang, "code_implements", count=len(card.implements)))
                _edge_table(card.implements, "target")
            if kind == "interface":
                st.markdown(say(lang, "code_implemented", count=len(card.implementers)))
                _edge_table(card.implementers, "source")
    if tabs[7].open:
        with tabs[7]:
            minik8s_panel.illustrations(atlas, tree, card.illustrated_by)
