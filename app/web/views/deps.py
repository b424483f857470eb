"""Dependencies & paths page: what a package imports or is imported by (depth, platform, tests),
and the shortest chain between two things (imports, calls through interfaces, roles)."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import chain_view, links, picker, state
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
tree = state.tree(atlas)
st.title("Dependencies & paths")

st.subheader("Dependencies")
pid = picker.pick(atlas, "package", "pkg", (NodeKind.PACKAGE, NodeKind.EXTERNAL_PACKAGE),
                  placeholder="pkg/kubelet")
c1, c2, c3, c4, c5, c6 = st.columns(6)
reverse = c1.toggle("dependents", help="who imports the package, instead of what it imports")
tests = c2.toggle("tests", help="include imports made only by _test.go files")
external = c3.toggle("external", value=True, help="std library and vendored modules")
depth = c4.number_input("depth", 1, 20, 1)
goos = c5.selectbox("GOOS", GOOS, format_func=lambda v: v or "any")
goarch = c6.selectbox("GOARCH", GOARCH, format_func=lambda v: v or "any")
cap = st.slider("rows shown", 10, 2000, 200, step=10)
if pid:
    with state.reported():
        if bool(goos) != bool(goarch):
            st.warning("GOOS and GOARCH go together; showing all platforms.")
        platform = (goos, goarch) if goos and goarch else (None, None)
        found = atlas.deps(pid, reverse=reverse, depth=int(depth), goos=platform[0],
                           goarch=platform[1], tests=tests, external=external)
        verb = "imported by" if reverse else "imports"
        st.markdown(f"`{key_of(pid)}` {verb} **{len(found)}** packages"
                    + (f" (first {cap} shown)" if len(found) > cap else ""))
        st.dataframe([{"depth": d.depth, "package": key_of(d.id), "files": d.files,
                       "test only": d.test_only, "platforms": ", ".join(d.platforms)}
                      for d in found[:cap]], hide_index=True,
                     column_config={"package": st.column_config.TextColumn(width="large")})
        links.more_marker(len(found) - cap)
        near = [d.id for d in found if d.depth == 1]
        if near:
            with st.expander("open a direct dependency"):
                links.capped_links(near, 30)

st.subheader("Paths")
st.caption("Between packages the chain follows imports; between functions and methods it follows "
           "calls, interface calls, dispatch to implementations, function values and hand-offs "
           "(a send on a channel field, an add to a work queue or a signal of a condition "
           "variable, to what receives, takes from or waits on it); between "
           "roles, role edges. Across kinds a role stands for its packages, a package for its code and "
           "a type for its methods (`syncLoop` to `cri`: calls until code of the CRI). Chains go "
           "around fakes and test code when they can. Short names work: pick from the ranked "
           "candidates.")
c1, c2 = st.columns(2)
source = picker.pick(atlas, "from", "from", (), container=c1,
                     placeholder="kuberuntime.(*kubeGenericRuntimeManager).SyncPod or syncLoop")
target = picker.pick(atlas, "to", "to", (), container=c2,
                     placeholder="remote.(*remoteRuntimeService).RunPodSandbox")
alternatives = st.slider("alternatives", 0, 5, 2)
if source and target:
    with state.reported():
        chain_atlas = atlas
        if goos and goarch:  # a function written per OS follows the body this platform builds
            chain_atlas = Atlas(PlatformView(atlas.reader, Platform(goos, goarch)))
            st.caption(f"Platform view {goos}/{goarch} (GOOS and GOARCH above): a function "
                       "written once per OS is followed through the body this platform builds.")
        chains = find_chains(chain_atlas, source, target, alternatives=alternatives)
        met = meeting(chain_atlas.reader, source, target) if not chains.found else None
        if met is not None:  # the target pulls what the source gives: where the two meet
            at = short_name(met.at)
            st.info(f"No chain from `{short_name(source)}` to `{short_name(target)}`; they meet "
                    f"at `{at}`: the first hands off to it, the second calls it to take what "
                    "was given.")
            st.markdown(f"**Given**: `{short_name(source)}` to `{at}`")
            chain_view.show(chain_atlas, tree, find_chains(chain_atlas, source, met.at, 0),
                            f"{source}-{met.at}")
            st.markdown(f"**Taken**: `{short_name(target)}` to `{at}`")
            chain_view.show(chain_atlas, tree, find_chains(chain_atlas, target, met.at, 0),
                            f"{target}-{met.at}")
        elif not chains.found and (api := via_apiserver(chain_atlas, source, target)) is not None:
            # only when no chain of calls joins them: a chain found is the answer, drawn below
            file = chain_atlas.node(api.write.function).attrs.get("file", "")
            write = links.evidence_md(tree, f"{file}:{api.write.line} {api.write.verb}")
            watch = links.evidence_md(tree, str(api.watch.attrs.get("evidence", "")))
            st.info(f"No chain of calls from `{short_name(source)}` to `{short_name(target)}`: "
                    f"it is reached through the API server. `{short_name(api.write.function)}` "
                    f"{say('en', 'verb_' + api.write.verb)} `{key_of(api.write.kind)}` through "
                    f"the typed client, {write}; `{key_of(api.watch.source)}` watches it, {watch}.")
            if len(api.chain) > 1:  # the calls from source to the function that writes
                chain_view.show(chain_atlas, tree, find_chains(
                    chain_atlas, source, api.write.function, 0), f"{source}-{api.write.function}")
        elif not chains.found:
            why = "" if chains.complete else " within the time budget"
            kinds = unbridged(source, target)
            st.warning(f"No chain from `{short_name(source)}` to `{short_name(target)}`{why}"
                       + (f": {kinds}." if kinds else f" along {', '.join(chains.edge_kinds)}."))
        else:
            chain_view.show(chain_atlas, tree, chains, f"{source}-{target}")
