"""Package page: one package's files, types and functions, its imports and importers (tests,
generated code and external packages as toggles, a node cap), and the roles it belongs to."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import links, live_graph, minik8s_panel, picker, state
from kubeatlas.graph.model.schema import EdgeKind, NodeKind, key_of
from kubeatlas.graph.notes.citation import tree_url
from kubeatlas.graph.notes.source import read_package
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
        m1, m2, m3, m4 = st.columns(4)
        m1.metric("files", a.get("files", 0))
        m2.metric("lines", a.get("lines", 0))
        m3.metric("generated share", f"{float(a.get('generated_share', 0)):.0%}")
        m4.metric("test files", a.get("test_files", 0))
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

    imports = atlas.deps(pid, tests=tests, external=external) if node.kind == NodeKind.PACKAGE \
        else []
    importers = atlas.deps(pid, reverse=True, tests=tests, external=external)
    minis = illustrations(atlas, [pid])
    tabs = st.tabs(["Graph", f"Imports ({len(imports)})", f"Importers ({len(importers)})",
                    "Files", "Types", "Functions", f"minik8s ({len(minis)})"])
    with tabs[6]:
        minik8s_panel.illustrations(atlas, tree, minis)
    with tabs[0]:
        live_graph.show(atlas, pid, "package", cap=cap)
    for tab, found in ((tabs[1], imports), (tabs[2], importers)):
        with tab:
            st.dataframe([{"package": key_of(d.id), "files": d.files, "test only": d.test_only,
                           "platforms": ", ".join(d.platforms)} for d in found],
                         hide_index=True,
                         column_config={"package": st.column_config.TextColumn(width="large")})
            links.capped_links([d.id for d in found], cap)
    if node.kind == NodeKind.PACKAGE:
        contents = read_package(atlas, pid)
        files = [f for f in contents.files if _keep_file(f.attrs)]
        kept = {f.attrs.get("path") for f in files}
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
