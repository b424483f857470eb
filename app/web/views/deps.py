"""Dependencies & paths page: what a package imports or is imported by (depth, platform, tests),
and the shortest chain between two things (imports, calls through interfaces, roles)."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import chain_view, evidence, language, links, picker, state
from kubeatlas.app.web.words import say as said
from kubeatlas.graph.model.schema import NodeKind, key_of
from kubeatlas.graph.notes.lang import say
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.query.apiserver import via_apiserver
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.query.bridge import unbridged
from kubeatlas.graph.query.chains import find_chains
from kubeatlas.graph.query.meeting import meeting
from kubeatlas.graph.query.platform import Platform, PlatformView

GOOS = ("", "linux", "windows", "darwin", "freebsd")
GOARCH = ("", "amd64", "arm64", "arm", "386", "ppc64le", "s390x")

atlas = state.atlas()
lang = language.chosen()
tree = state.tree(atlas)
st.title(said(lang, "page_deps"))

st.subheader(said(lang, "deps_title"))
pid = picker.pick(atlas, said(lang, "deps_box"), "pkg",
                  (NodeKind.PACKAGE, NodeKind.EXTERNAL_PACKAGE), placeholder="pkg/kubelet")
c1, c2, c3, c4, c5, c6 = st.columns(6)
# keyed: a switch of language relabels them and keeps their values
reverse = c1.toggle(said(lang, "deps_reverse"), help=said(lang, "deps_reverse_help"),
                    key="deps-reverse")
tests = c2.toggle(said(lang, "pkg_tests"), help=said(lang, "deps_tests_help"), key="deps-tests")
external = c3.toggle(said(lang, "deps_external"), value=True, help=said(lang, "pkg_external_help"),
                     key="deps-external")
depth = c4.number_input(said(lang, "deps_depth"), 1, 20, 1, key="deps-depth")
goos = c5.selectbox("GOOS", GOOS, format_func=lambda v: v or said(lang, "deps_any"),
                    key="deps-goos")
goarch = c6.selectbox("GOARCH", GOARCH, format_func=lambda v: v or said(lang, "deps_any"),
                      key="deps-goarch")
cap = st.slider(said(lang, "rows_shown"), 10, 2000, 200, step=10, key="deps-cap")
DEPTH, PACKAGE, FILES, TEST_ONLY, PLATFORMS = (said(lang, f"col_{c}") for c in (
    "depth", "package", "files", "test_only", "platforms"))
if pid:
    with state.reported():
        if bool(goos) != bool(goarch):
            st.warning(said(lang, "deps_platform_pair"))
        platform = (goos, goarch) if goos and goarch else (None, None)
        found = atlas.deps(pid, reverse=reverse, depth=int(depth), goos=platform[0],
                           goarch=platform[1], tests=tests, external=external)
        st.markdown(said(lang, "deps_imported" if reverse else "deps_imports", pkg=key_of(pid),
                         count=len(found))
                    + (said(lang, "deps_first", count=cap) if len(found) > cap else ""))
        st.dataframe([{DEPTH: d.depth, PACKAGE: key_of(d.id), FILES: d.files,
                       TEST_ONLY: d.test_only,
                       PLATFORMS: ", ".join(said(lang, "deps_all") if p == "all" else p
                                            for p in d.platforms)}
                      for d in found[:cap]], hide_index=True,
                     column_config={PACKAGE: st.column_config.TextColumn(width="large")})
        links.more_marker(len(found) - cap)
        near = [d.id for d in found if d.depth == 1]
        if near:
            with st.expander(said(lang, "deps_open")):
                links.capped_links(near, 30)

st.subheader(said(lang, "paths_title"))
st.caption(said(lang, "paths_intro"))
c1, c2 = st.columns(2)
source = picker.pick(atlas, said(lang, "paths_from"), "from", (), container=c1,
                     placeholder=said(lang, "paths_from_example"))
target = picker.pick(atlas, said(lang, "paths_to"), "to", (), container=c2,
                     placeholder="remote.(*remoteRuntimeService).RunPodSandbox")
alternatives = st.slider(said(lang, "paths_alternatives"), 0, 5, 2, key="paths-alternatives")
if source and target:
    with state.reported():
        chain_atlas = atlas
        if goos and goarch:  # a function written per OS follows the body this platform builds
            chain_atlas = Atlas(PlatformView(atlas.reader, Platform(goos, goarch)))
            st.caption(said(lang, "paths_platform", goos=goos, goarch=goarch))
        chains = find_chains(chain_atlas, source, target, alternatives=alternatives)
        met = meeting(chain_atlas.reader, source, target) if not chains.found else None
        if met is not None:  # the target pulls what the source gives: where the two meet
            at = short_name(met.at)
            st.info(said(lang, "paths_meet", source=short_name(source), target=short_name(target),
                         at=at))
            st.markdown(said(lang, "paths_given", source=short_name(source), at=at))
            chain_view.show(chain_atlas, tree, find_chains(chain_atlas, source, met.at, 0),
                            f"{source}-{met.at}")
            st.markdown(said(lang, "paths_taken", target=short_name(target), at=at))
            chain_view.show(chain_atlas, tree, find_chains(chain_atlas, target, met.at, 0),
                            f"{target}-{met.at}")
        elif not chains.found and (api := via_apiserver(chain_atlas, source, target)) is not None:
            # only when no chain of calls joins them: a chain found is the answer, drawn below
            file = chain_atlas.node(api.write.function).attrs.get("file", "")
            write = links.evidence_md(tree, f"{file}:{api.write.line} {api.write.method}")
            watch = evidence.evidence_md(tree, str(api.watch.attrs.get("evidence", "")), lang)
            st.info(said(lang, "paths_via_api", source=short_name(source),
                         target=short_name(target), writer=short_name(api.write.function),
                         verb=say(lang, "verb_" + api.write.verb), kind=key_of(api.write.kind),
                         write=write, watcher=key_of(api.watch.source), watch=watch))
            if len(api.chain) > 1:  # the calls from source to the function that writes
                chain_view.show(chain_atlas, tree, find_chains(
                    chain_atlas, source, api.write.function, 0), f"{source}-{api.write.function}")
        elif not chains.found:
            why = "" if chains.complete else said(lang, "paths_budget")
            kinds = unbridged(source, target)
            st.warning(said(lang, "paths_none", source=short_name(source),
                            target=short_name(target), why=why)
                       + (said(lang, "paths_unbridged", why=kinds) if kinds else
                          said(lang, "paths_along", kinds=chain_view.kinds_said(chains.edge_kinds))))
        else:
            chain_view.show(chain_atlas, tree, chains, f"{source}-{target}")
