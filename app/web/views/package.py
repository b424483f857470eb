"""Package page: one package's files, types and functions, its imports and importers (tests,
generated code and external packages as toggles, a node cap), and the roles it belongs to."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import index_cache, links, live_graph, minik8s_panel, picker, state
from kubeatlas.graph.model.schema import EdgeKind, NodeKind, key_of
from kubeatlas.graph.notes.citation import tree_url
from kubeatlas.graph.query.code import illustrations

atlas = state.atlas()
tree = state.tree(atlas)
st.title("Package")
pid = picker.pick(atlas, "package (import path, directory or id)", "pkg",
                  (NodeKind.PACKAGE, NodeKind.EXTERNAL_PACKAGE), "",
                  placeholder="pkg/kubelet or k8s.io/client-go/tools/cache")
c1, c2, c3, c4 = st.columns(4)
tests = c1.toggle("tests", value=False, help="_test.go files and imports made only by them")
generated = c2.toggle("generated code", value=False, help="zz_generated*, *.pb.go, openapi")
external = c3.toggle("external packages", value=True, help="std library and vendored modules")
cap = int(c4.number_input("node cap", 5, 200, 15, step=5,
                          help="Nodes drawn and links listed per side; the rest is counted"))


def _keep_file(attrs) -> bool:
    return (tests or not attrs.get("is_test")) and (generated or not attrs.get("is_generated"))


if pid is None:
    if not picker.waiting("pkg"):
        st.info("Type a package: an import path, a directory of the tree or a node id.")
    st.stop()

with state.reported():
    node = atlas.node(pid)
    st.header(key_of(pid))
    if node.kind == NodeKind.EXTERNAL_PACKAGE:
        st.caption("Outside the tree (" + ("standard library" if node.attrs.get("std")
                                           else "a vendored module") + ").")
    else:
        a = node.attrs
        # a Markdown table, drawn with the page's first text (st.metric waits for its script)
        st.markdown("| files | lines | generated share | test files |\n|---:|---:|---:|---:|\n"
                    f"| {a.get('files', 0):,} | {a.get('lines', 0):,} | "
                    f"{float(a.get('generated_share', 0)):.0%} | {a.get('test_files', 0):,} |")
        url = tree_url(tree, str(a.get("dir", "")))
        shown_dir = f"[{a.get('dir')}]({url})" if url else f"`{a.get('dir')}`"
        st.markdown(f"directory {shown_dir} · module `{a.get('module')}`")
        if a.get("binaries"):
            st.caption("linked into: " + ", ".join(a["binaries"]))
    roles = atlas.neighbours(pid, (EdgeKind.IN_ROLE,))
    if roles:
        st.subheader("Roles")
        for e in roles:
            col_a, col_b = st.columns([1, 2])
            links.node_link(e.target, key_of(e.target), col_a)
            col_b.caption(f"{e.attrs.get('how', '')}: {e.attrs.get('evidence', '')}")

    imports = index_cache.deps(atlas, pid, False, tests, external) \
        if node.kind == NodeKind.PACKAGE else []
    importers = index_cache.deps(atlas, pid, True, tests, external)
    minis = illustrations(atlas, [pid])
    st.caption(f"imports {len(imports)} packages · imported by {len(importers)} · "
               f"{len(minis)} minik8s components illustrate it")
    # only the open tab is drawn (a click on another reruns the page); the labels do not change
    # with the toggles, so a toggle keeps the tab a reader is on
    tabs = st.tabs(["Graph", "Imports", "Importers", "Files", "Types", "Functions", "minik8s"],
                   key="package-tab", on_change="rerun")
    if tabs[0].open:
        with tabs[0]:
            live_graph.show(atlas, pid, "package", cap=cap)
    for tab, found, what in ((tabs[1], imports, "imports"), (tabs[2], importers, "imported by")):
        if tab.open:
            with tab:
                st.caption(f"{key_of(pid)} {what} {len(found)} packages")
                st.dataframe([{"package": key_of(d.id), "files": d.files,
                               "test only": d.test_only, "platforms": ", ".join(d.platforms)}
                              for d in found], hide_index=True,
                             column_config={"package": st.column_config.TextColumn(
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
                st.dataframe([{"file": f.attrs.get("path"), "lines": f.attrs.get("lines"),
                               "test": bool(f.attrs.get("is_test")),
                               "generated": bool(f.attrs.get("is_generated")),
                               "build": f.attrs.get("build_expr") or "",
                               "source": links.code_url(tree, f.attrs)} for f in files],
                             column_config={"source": st.column_config.LinkColumn(
                                 "source", display_text="GitHub")}, hide_index=True)
                st.caption(f"{len(contents.files) - len(files)} files hidden by the toggles.")
        for tab, decls in ((tabs[4], contents.types()), (tabs[5], contents.funcs())):
            if not tab.open:
                continue
            with tab:
                shown = [d for d in decls if d.attrs.get("file") in kept]
                if shown and shown[0].kind == NodeKind.TYPE:
                    with st.expander("open a type"):
                        links.capped_links([d.id for d in shown], cap)
                st.dataframe([{"name": key_of(d.id).rsplit("/", 1)[-1],
                               "kind": d.attrs.get("type_kind") or d.kind,
                               "exported": bool(d.attrs.get("exported")),
                               "where": links.where(d.attrs),
                               "source": links.code_url(tree, d.attrs)} for d in shown],
                             column_config={"source": st.column_config.LinkColumn(
                                 "source", display_text="GitHub")}, hide_index=True)
