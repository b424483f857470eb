"""Role page, in the language chosen: one architecture role — summary (en, zh), absence note,
entry point, core packages, key interfaces with implementers, the API objects it watches and
writes, and the roles around it."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import (
    dot,
    guard,
    index_cache,
    language,
    links,
    live_graph,
    minik8s_panel,
    nav,
    reading_view,
    state,
    svg_chart,
    url_widget,
)
from kubeatlas.app.web.evidence import evidence_md as said_evidence
from kubeatlas.app.web.words import say
from kubeatlas.graph.build.codeflags import is_test_package
from kubeatlas.graph.model.schema import key_of
from kubeatlas.graph.notes import lang as notes_lang
from kubeatlas.graph.notes.glossary import phrase
from kubeatlas.graph.notes.source import is_test_double, short_name
from kubeatlas.graph.query.code import illustrations

atlas = state.atlas()
lang = language.chosen()
tree = state.tree(atlas)
roles = index_cache.roles(atlas)
keys = [key_of(r.id) for r in roles]
# a role named in English words has a Chinese name (device plugin: 设备插件), as in the notes
names = {key_of(r.id): phrase(r.attrs.get("name") or r.name, lang) for r in roles}
wanted = guard.param("role", "kubelet")
if wanted is None:
    st.stop()
if wanted not in keys:
    guard.unknown(say(lang, "role"), wanted)


def _imports(edge: dict) -> str:
    """A DEPENDS_ON edge's weight, said: `1 import`, `24 imports`."""
    weight = int(edge.get("weight", 0))
    return say(lang, "imports_one" if weight == 1 else "imports", count=weight)


url_widget.follow("role-choice", "role", wanted if wanted in keys else None)
choice = st.selectbox(say(lang, "role"), keys, index=None, key="role-choice",
                      format_func=lambda k: f"{names[k]} ({k})",
                      placeholder=say(lang, "choose_role"))
url_widget.publish("role-choice", "role", choice, wanted)
if choice is None:
    st.stop()

with state.reported():
    card = index_cache.role_card(atlas, f"role:{choice}")
    attrs = card["role"]
    st.title(names.get(choice) or attrs.get("name") or choice)
    plane = str(attrs.get("plane", "?"))
    st.caption(say(lang, "role_plane", role=choice,
                   plane=say(lang, f"plane_{plane}") if plane in dot.PLANE_KEYS else plane))
    summaries = ("summary_zh", "summary_en") if lang == "zh" else ("summary_en", "summary_zh")
    for summary in summaries:  # the reader's language first, the other after it
        st.markdown(attrs.get(summary, ""))
    # the catalog's note in the reader's language (an index built before the catalog said it
    # in Chinese has only the English one: a Chinese reader gets the page's own sentence)
    note = attrs.get("note_zh") if lang == "zh" else attrs.get("note")
    if not attrs.get("present", True):
        st.warning(note or say(lang, "role_absent"))
    elif note:
        st.info(note)
    if attrs.get("variants"):
        st.info(notes_lang.say(lang, "generation", variants=notes_lang.say(lang, "sep").join(
            attrs["variants"])).rstrip(".。"))

    st.subheader(say(lang, "entry_point"))
    entry = attrs.get("entry_package") or ""
    if entry:
        main = atlas.reader.get_nodes([f"func:{key_of(entry)}.main"])
        links.node_link(entry, attrs.get("entrypoint") or key_of(entry))
        for node in main.values():
            st.markdown(say(lang, "main_at", where=links.code_md(tree, node.attrs)))
    else:
        st.caption(say(lang, "no_binary"))

    reading_view.show(tree, index_cache.walkthrough(atlas, choice), names[choice], lang)
    st.page_link(nav.NOTES, label=say(lang, "each_step", name=names[choice]),
                 query_params=language.params({"subject": choice}), icon=":material/edit_note:")

    cap = st.slider(say(lang, "packages_shown"), 5, 200, 25, step=5, key="role-packages-shown")
    st.subheader(say(lang, "core_packages", count=len(card["packages_by_path"])))
    st.caption(say(lang, "core_intro", count=card["packages_reachable"]))
    nodes = atlas.reader.get_nodes(card["packages_by_path"])
    # the role's own code by size; tests, fakes and integration suites after it
    # (kube-apiserver's test/integration and storage/testing were among its largest)
    ranked = sorted(card["packages_by_path"], key=lambda p: (
        is_test_package(key_of(p)), -int(nodes[p].attrs.get("lines", 0)) if p in nodes else 0, p))
    left, right = st.columns(2)
    shown = min(cap, len(ranked))
    half = (shown + 1) // 2
    labels = {p: key_of(p) + (say(lang, "lines", count=nodes[p].attrs.get("lines", 0))
                              if p in nodes else "") for p in ranked}
    links.capped_links(ranked[:half], half, left, labels)
    links.capped_links(ranked[half:shown], shown - half, right, labels)
    links.more_marker(len(ranked) - shown)

    st.subheader(notes_lang.say(lang, "key_interfaces"))
    for item in card["key_interfaces"]:
        # those production code means first, as the study note lists them (the card keeps
        # client-go's generated Clientset too, and its describers that embed the interface last)
        intended, _ = index_cache.implementers(atlas, item["id"])
        listed = list(dict.fromkeys((*intended, *item["implementers"])))
        found = atlas.reader.get_nodes([item["id"], *listed])
        iface = found.get(item["id"])
        loc = links.code_md(tree, iface.attrs) if iface else ""
        with st.expander(say(lang, "implementers", name=key_of(item["id"]),
                             count=len(listed)), expanded=True):
            st.markdown(say(lang, "declared_at", where=loc) if loc else "")
            links.node_link(item["id"], say(lang, "open_interfaces"))
            impls = intended + sorted(set(listed) - set(intended), key=lambda i: (
                i not in found or is_test_double(found[i]), i))
            lines = []
            for impl in impls[:cap]:
                implementer = found.get(impl)
                loc = links.code_md(tree, implementer.attrs) if implementer else ""
                lines.append(f"- `{key_of(impl)}`" + (f" — {loc}" if loc else ""))
            if lines:  # one element for the list: a page draws fewer, sooner
                st.markdown("\n".join(lines))
            links.more_marker(len(listed) - cap)
    for name in attrs.get("missing_interfaces") or ():
        st.caption(say(lang, "not_in_tree", name=name))
    if not card["key_interfaces"] and not attrs.get("missing_interfaces"):
        st.caption(say(lang, "no_interfaces"))

    uses = index_cache.kinds_used(atlas, card["packages_by_path"])
    st.subheader(say(lang, "api_objects", count=len(uses)))
    st.caption(say(lang, "api_intro"))
    writers = atlas.reader.get_nodes(sorted({f for u in uses[:cap] if u.writes
                                             for f in (u.writes[0].function, u.writes[0].via,
                                                       u.writes[0].writer) if f}))
    for use in uses[:cap]:
        left, right = st.columns([2, 3])
        links.node_link(use.kind, key_of(use.kind), left)
        said = []
        if use.watches:
            package, evidence = use.watches[0]
            said.append(say(lang, "watched_by", count=len(use.watches)) + f"`{key_of(package)}` "
                        + said_evidence(tree, evidence, lang))
        if use.writes:
            write = use.writes[0]
            said.append(say(lang, "written_by", count=len(use.writes))
                        + f"`{short_name(write.function)}` "
                        + links.write_md(tree, writers, write))
        right.markdown(" · ".join(said))
    links.more_marker(len(uses) - cap)
    if not uses:
        st.caption(say(lang, "no_kinds"))

    st.subheader(notes_lang.say(lang, "neighbours"))
    rel = ([("rel_depends", d["role"], _imports(d)) for d in card["depends_on"]]
           + [("rel_depended", d["role"], _imports(d))
              for d in card["depended_by"]]
           + [("rel_talks", d["role"], phrase(d.get("protocol", ""), lang))
              for d in card["talks_to"]])
    if rel:
        outgoing: dict[str, list[str]] = {}
        for d in card["talks_to"]:
            protocol = phrase(d.get("protocol", ""), lang)
            outgoing.setdefault(d["role"], []).append(dot.short_protocol(protocol))
        for d in card["depends_on"]:
            outgoing.setdefault(d["role"], []).append(_imports(d))
        incoming = [(d["role"], f"{key_of(d['role'])}\n{_imports(d)}")
                    for d in card["depended_by"]]
        # drawn when opened: Graphviz's 0.8 MB script held back the whole page on a cold load
        picture = st.expander(say(lang, "as_picture"), key="role-neighbours-picture",
                              on_change="rerun", expanded=language.kept_open(
                                  "role-neighbours-picture"))
        if picture.open:
            svg_chart.show(dot.neighbourhood(
                f"role:{choice}", names[choice],
                [(r, key_of(r) + "\n" + " · ".join(parts)) for r, parts in outgoing.items()],
                incoming, cap=12, out_label="roles", in_label="roles"), picture)
        for relation, other, detail in rel:
            links.node_link(other, say(lang, "neighbour", name=names.get(key_of(other), key_of(other)),
                                       relation=say(lang, relation), detail=detail))
    else:
        st.caption(say(lang, "no_deps"))
    st.subheader(say(lang, "live_graph"))
    live_graph.show(atlas, f"role:{choice}", "role")
    st.subheader("minik8s")
    minik8s_panel.component_links(illustrations(atlas, card["packages_by_path"]))
    st.page_link(nav.NOTES, label=say(lang, "note_for", name=names[choice]),
                 query_params=language.params({"subject": choice}), icon=":material/edit_note:")
    st.caption(say(lang, "rank_first"))
    st.page_link(nav.CODE, label=say(lang, "code_first", name=names[choice]),
                 query_params=language.params({"role": choice}), icon=":material/code:")
    st.page_link(nav.DEPS, label=say(lang, "paths_first", name=names[choice]),
                 query_params=language.params({"role": choice}), icon=":material/route:")
