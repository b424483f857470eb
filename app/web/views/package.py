"""Package page, in the language chosen: one package's files, types and functions, its imports
and importers (tests, generated code and external packages as toggles, a node cap), and the
roles it belongs to."""

from __future__ import annotations

import re

import streamlit as st

from kubeatlas.app.web import (
    directory_view,
    index_cache,
    language,
    links,
    live_graph,
    minik8s_panel,
    picker,
    search_box,
    state,
)
from kubeatlas.app.web.words import both, say
from kubeatlas.graph.model.schema import EdgeKind, NodeKind, key_of
from kubeatlas.graph.notes.citation import tree_url
from kubeatlas.graph.query.code import illustrations
from kubeatlas.graph.query.directory import list_directory

atlas = state.atlas()
tree = state.tree(atlas)
lang = language.chosen()
st.title(say(lang, "page_package"))
pid = picker.pick(atlas, say(lang, "pkg_box"), "pkg",
                  (NodeKind.PACKAGE, NodeKind.EXTERNAL_PACKAGE), "",
                  placeholder=say(lang, "pkg_example"))
c1, c2, c3, c4 = st.columns(4)
# keyed: a widget keeps its value when its label changes language
tests = c1.toggle(say(lang, "pkg_tests"), value=False, help=say(lang, "pkg_tests_help"),
                  key="package-tests")
generated = c2.toggle(say(lang, "pkg_generated"), value=False, key="package-generated",
                      help=say(lang, "pkg_generated_help"))
external = c3.toggle(say(lang, "pkg_external"), value=True, key="package-external",
                     help=say(lang, "pkg_external_help"))
cap = int(c4.number_input(say(lang, "pkg_cap"), 5, 200, 15, step=5, key="package-cap",
                          help=say(lang, "pkg_cap_help")))


_MEMBERSHIP = (("member_path", re.compile(r"^path rule (?P<rule>\S+)$")),
               ("member_external", re.compile(r"^import rule (?P<rule>\S+); imported by "
                                              r"(?P<count>\d+) package\(s\)$")),
               ("member_reachable", re.compile(r"^in the import closure of (?P<entry>\S+)$")))


def _membership(how: str, evidence: str) -> str:
    """Why the package is in a role (graph/knowledge/roles.py says it in English: `path: path
    rule pkg/kubelet/`), in the language chosen."""
    if lang != "en":
        for key, pattern in _MEMBERSHIP:
            if found := pattern.match(evidence):
                return say(lang, key, **found.groupdict())
    return f"{how}: {evidence}"


def _keep_file(attrs) -> bool:
    return (tests or not attrs.get("is_test")) and (generated or not attrs.get("is_generated"))


if pid is None:
    if not picker.waiting("pkg"):
        st.info(say(lang, "pkg_type"))
    st.stop()

with state.reported():
    node = atlas.node(pid)
    st.header(key_of(pid))
    if node.kind == NodeKind.EXTERNAL_PACKAGE:
        st.caption(say(lang, "pkg_std" if node.attrs.get("std") else "pkg_vendored"))
    else:
        a = node.attrs
        # a Markdown table, drawn with the page's first text (st.metric waits for its script)
        st.markdown(say(lang, "pkg_table") + "\n|---:|---:|---:|---:|\n"
                    f"| {a.get('files', 0):,} | {a.get('lines', 0):,} | "
                    f"{float(a.get('generated_share', 0)):.0%} | {a.get('test_files', 0):,} |")
        url = tree_url(tree, str(a.get("dir", "")))
        shown_dir = f"[{a.get('dir')}]({url})" if url else f"`{a.get('dir')}`"
        st.markdown(say(lang, "pkg_dir", dir=shown_dir, module=a.get("module")))
        listing = list_directory(atlas.reader, str(a.get("dir") or ""))
        if listing is not None and listing.entries:  # `pkg/kubelet`: a directory, too
            with st.expander(say(lang, "pkg_subdirs", count=len(listing.entries))):
                directory_view.entries(listing)
        if a.get("binaries"):
            st.caption(say(lang, "pkg_linked", binaries=", ".join(a["binaries"])))
    roles = atlas.neighbours(pid, (EdgeKind.IN_ROLE,))
    if roles:
        st.subheader(say(lang, "map_roles"))
        for e in roles:
            col_a, col_b = st.columns([1, 2])
            links.node_link(e.target, key_of(e.target), col_a)
            col_b.caption(_membership(str(e.attrs.get("how", "")), str(e.attrs.get("evidence", ""))))

    imports = index_cache.deps(atlas, pid, False, tests, external) \
        if node.kind == NodeKind.PACKAGE else []
    importers = index_cache.deps(atlas, pid, True, tests, external)
    minis = illustrations(atlas, [pid])
    st.caption(say(lang, "pkg_counts", imports=len(imports), importers=len(importers),
                   minis=len(minis)))
    # only the open tab is drawn (a click on another reruns the page); the labels do not change
    # with the toggles, so a toggle keeps the tab a reader is on
    names = ("graph", "imports", "importers", "files", "types", "functions", "minik8s")
    tabs = st.tabs(language.tab_labels("package-tab", [both(f"tab_{name}") for name in names]),
                   key="package-tab", on_change="rerun")
    if tabs[0].open:
        with tabs[0]:
            live_graph.show(atlas, pid, "package", cap=cap)
    for tab, found, what in ((tabs[1], imports, "pkg_imports"),
                             (tabs[2], importers, "pkg_importers")):
        if tab.open:
            with tab:
                st.caption(say(lang, what, name=key_of(pid), count=len(found)))
                package, count, test_only, platforms = (say(lang, k) for k in (
                    "col_package", "col_files", "col_test_only", "col_platforms"))
                st.dataframe([{package: key_of(d.id), count: d.files,
                               test_only: d.test_only, platforms: ", ".join(d.platforms)}
                              for d in found], hide_index=True,
                             column_config={package: st.column_config.TextColumn(
                                 width="large")})
                links.capped_links([d.id for d in found], cap)
    if tabs[6].open:
        with tabs[6]:
            minik8s_panel.illustrations(atlas, tree, minis)
    if node.kind == NodeKind.PACKAGE and any(t.open for t in tabs[3:6]):
        contents = index_cache.package_contents(atlas, pid)
        files = [f for f in contents.files if _keep_file(f.attrs)]
        kept = {f.attrs.get("path") for f in files}
        if tabs[3].open:
            with tabs[3]:
                file, lines, test, gen, build, source = (say(lang, k) for k in (
                    "col_file", "col_lines", "col_test", "col_generated", "col_build",
                    "col_source"))
                st.dataframe([{file: f.attrs.get("path"), lines: f.attrs.get("lines"),
                               test: bool(f.attrs.get("is_test")),
                               gen: bool(f.attrs.get("is_generated")),
                               build: f.attrs.get("build_expr") or "",
                               source: links.code_url(tree, f.attrs)} for f in files],
                             column_config={source: st.column_config.LinkColumn(
                                 source, display_text="GitHub")}, hide_index=True)
                st.caption(say(lang, "pkg_hidden", count=len(contents.files) - len(files)))
        for tab, decls in ((tabs[4], contents.types()), (tabs[5], contents.funcs())):
            if not tab.open:
                continue
            with tab:
                shown = [d for d in decls if d.attrs.get("file") in kept]
                if shown:  # a type's or a function's own page, with its source and callers
                    with st.expander(say(lang, "pkg_open_type" if shown[0].kind == NodeKind.TYPE
                                         else "pkg_open_function")):
                        links.capped_links([d.id for d in shown], cap)
                name, kind, exported, where, source = (say(lang, k) for k in (
                    "col_name", "col_decl_kind", "col_exported", "col_where", "col_source"))
                st.dataframe([{name: key_of(d.id).rsplit("/", 1)[-1],
                               kind: search_box.badge(d.kind, str(d.attrs.get("type_kind") or "")),
                               exported: bool(d.attrs.get("exported")),
                               where: links.where(d.attrs),
                               source: links.code_url(tree, d.attrs)} for d in shown],
                             column_config={source: st.column_config.LinkColumn(
                                 source, display_text="GitHub")}, hide_index=True)
