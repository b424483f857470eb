"""Role page: one architecture role — summary (en, zh), absence note, entry point, core packages,
key interfaces with implementers, the API objects it watches and writes, and the roles around
it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from kubeatlas.app.web import (
    dot,
    guard,
    index_cache,
    links,
    live_graph,
    minik8s_panel,
    nav,
    reading_view,
    state,
    svg_chart,
    url_widget,
)
from kubeatlas.graph.model.schema import key_of
from kubeatlas.graph.notes.source import is_test_double, short_name
from kubeatlas.graph.query.apiserver import Write
from kubeatlas.graph.query.atlas import NodeRecord
from kubeatlas.graph.query.code import illustrations

atlas = state.atlas()
tree = state.tree(atlas)
roles = index_cache.roles(atlas)
keys = [key_of(r.id) for r in roles]
names = {key_of(r.id): r.attrs.get("name") or r.name for r in roles}
wanted = guard.param("role", "kubelet")
if wanted is None:
    st.stop()
if wanted not in keys:
    guard.unknown("role", wanted)


def _write_md(tree: Mapping[str, Any], writers: Mapping[str, NodeRecord], write: Write) -> str:
    """The typed client's call, or the helper's call then the helper's own call of the client."""
    def file(function: str) -> str:
        return str(writers[function].attrs.get("file", "")) if function in writers else ""

    if not write.via:
        return links.evidence_md(tree, f"{file(write.function)}:{write.line} {write.verb}")
    return (links.evidence_md(tree, f"{file(write.function)}:{write.line} {short_name(write.via)}")
            + " → " + links.evidence_md(tree, f"{file(write.via)}:{write.via_line} {write.verb}"))


def _imports(edge: dict) -> str:
    """A DEPENDS_ON edge's weight, said: `1 import`, `24 imports`."""
    weight = int(edge.get("weight", 0))
    return f"{weight} import" if weight == 1 else f"{weight} imports"


url_widget.follow("role-choice", "role", wanted if wanted in keys else None)
choice = st.selectbox("role", keys, index=None, key="role-choice",
                      format_func=lambda k: f"{names[k]} ({k})", placeholder="choose a role")
url_widget.publish("role-choice", "role", choice, wanted)
if choice is None:
    st.stop()

with state.reported():
    card = index_cache.role_card(atlas, f"role:{choice}")
    attrs = card["role"]
    st.title(attrs.get("name") or choice)
    st.caption(f"plane: **{attrs.get('plane', '?')}** · role id `{choice}`")
    st.markdown(attrs.get("summary_en", ""))
    st.markdown(attrs.get("summary_zh", ""))
    if not attrs.get("present", True):
        st.warning(attrs.get("note") or "No package of this tree belongs to this role.")
    elif attrs.get("note"):
        st.info(attrs["note"])
    if attrs.get("variants"):
        st.info("Generation in this tree: " + ", ".join(attrs["variants"]))

    st.subheader("Entry point")
    entry = attrs.get("entry_package") or ""
    if entry:
        main = atlas.reader.get_nodes([f"func:{key_of(entry)}.main"])
        links.node_link(entry, attrs.get("entrypoint") or key_of(entry))
        for node in main.values():
            st.markdown(f"`main` is declared at {links.code_md(tree, node.attrs)}")
    else:
        st.caption("No binary of its own (a library, an interface, or code inside other binaries).")

    reading_view.show(tree, index_cache.walkthrough(atlas, choice), names[choice])
    st.page_link(nav.NOTES, label=f"Each step explained: the study note for {names[choice]}",
                 query_params={"subject": choice}, icon=":material/edit_note:")

    cap = st.slider("packages shown", 5, 200, 25, step=5)
    st.subheader(f"Core packages ({len(card['packages_by_path'])})")
    st.caption(f"Under the role's directories; {card['packages_reachable']} more packages are "
               "reached only from its entry point.")
    nodes = atlas.reader.get_nodes(card["packages_by_path"])
    ranked = sorted(card["packages_by_path"],
                    key=lambda p: (-int(nodes[p].attrs.get("lines", 0)) if p in nodes else 0, p))
    left, right = st.columns(2)
    shown = min(cap, len(ranked))
    half = (shown + 1) // 2
    labels = {p: f"{key_of(p)}" + (f" · {nodes[p].attrs.get('lines', 0)} lines" if p in nodes
                                   else "") for p in ranked}
    links.capped_links(ranked[:half], half, left, labels)
    links.capped_links(ranked[half:shown], shown - half, right, labels)
    links.more_marker(len(ranked) - shown)

    st.subheader("Key interfaces")
    for item in card["key_interfaces"]:
        found = atlas.reader.get_nodes([item["id"], *item["implementers"]])
        iface = found.get(item["id"])
        loc = links.code_md(tree, iface.attrs) if iface else ""
        with st.expander(f"{key_of(item['id'])} — {len(item['implementers'])} implementers",
                         expanded=True):
            st.markdown(f"declared at {loc}" if loc else "")
            links.node_link(item["id"], "open in Interfaces")
            impls = sorted(item["implementers"], key=lambda i: (
                i not in found or is_test_double(found[i]), i))
            lines = []
            for impl in impls[:cap]:
                implementer = found.get(impl)
                loc = links.code_md(tree, implementer.attrs) if implementer else ""
                lines.append(f"- `{key_of(impl)}`" + (f" — {loc}" if loc else ""))
            if lines:  # one element for the list: a page draws fewer, sooner
                st.markdown("\n".join(lines))
            links.more_marker(len(item["implementers"]) - cap)
    for name in attrs.get("missing_interfaces") or ():
        st.caption(f"`{name}` is not in this tree.")
    if not card["key_interfaces"] and not attrs.get("missing_interfaces"):
        st.caption("The catalog names no key interface for this role.")

    uses = index_cache.kinds_used(atlas, card["packages_by_path"])
    st.subheader(f"API objects it watches and writes ({len(uses)})")
    st.caption("Components coordinate through the API server: one writes an object, the others "
               "watch it. The kinds this role's packages watch (an informer, a lister or a "
               "list-watch) and write through the typed client (or through a helper of another "
               "package that it calls), those it uses most first.")
    writers = atlas.reader.get_nodes(sorted({f for u in uses[:cap] if u.writes
                                             for f in (u.writes[0].function, u.writes[0].via) if f}))
    for use in uses[:cap]:
        left, right = st.columns([2, 3])
        links.node_link(use.kind, key_of(use.kind), left)
        said = []
        if use.watches:
            package, evidence = use.watches[0]
            said.append(f"watched by {len(use.watches)}: `{key_of(package)}` "
                        + links.evidence_md(tree, evidence))
        if use.writes:
            write = use.writes[0]
            said.append(f"written by {len(use.writes)}: `{short_name(write.function)}` "
                        + _write_md(tree, writers, write))
        right.markdown(" · ".join(said))
    links.more_marker(len(uses) - cap)
    if not uses:
        st.caption("Its packages watch and write no API kind in this tree.")

    st.subheader("Neighbours")
    rel = ([("depends on", d["role"], _imports(d)) for d in card["depends_on"]]
           + [("depended on by", d["role"], _imports(d))
              for d in card["depended_by"]]
           + [("talks to", d["role"], d.get("protocol", "")) for d in card["talks_to"]])
    if rel:
        outgoing: dict[str, list[str]] = {}
        for d in card["talks_to"]:
            outgoing.setdefault(d["role"], []).append(dot.short_protocol(d.get("protocol", "")))
        for d in card["depends_on"]:
            outgoing.setdefault(d["role"], []).append(_imports(d))
        incoming = [(d["role"], f"{key_of(d['role'])}\n{_imports(d)}")
                    for d in card["depended_by"]]
        # drawn when opened: Graphviz's 0.8 MB script held back the whole page on a cold load
        picture = st.expander("as a picture", key="role-neighbours-picture", on_change="rerun")
        if picture.open:
            svg_chart.show(dot.neighbourhood(
                f"role:{choice}", names[choice],
                [(r, key_of(r) + "\n" + " · ".join(parts)) for r, parts in outgoing.items()],
                incoming, cap=12, out_label="roles", in_label="roles"), picture)
        for relation, other, detail in rel:
            links.node_link(other, f"{names.get(key_of(other), key_of(other))} — {relation}: "
                            f"{detail}")
    else:
        st.caption("No dependencies recorded for this role.")
    st.subheader("Live graph")
    live_graph.show(atlas, f"role:{choice}", "role")
    st.subheader("minik8s")
    minik8s_panel.component_links(illustrations(atlas, card["packages_by_path"]))
    st.page_link(nav.NOTES, label=f"Study note for {names[choice]}",
                 query_params={"subject": choice}, icon=":material/edit_note:")
    st.caption("Names typed on these pages rank this role's code first:")
    st.page_link(nav.CODE, label=f"A type or function, {names[choice]} first",
                 query_params={"role": choice}, icon=":material/code:")
    st.page_link(nav.DEPS, label=f"Paths, {names[choice]} first",
                 query_params={"role": choice}, icon=":material/route:")
