"""Answers read from the index, kept across reruns and sessions (st.cache_data): each is keyed
by the index's identity (state.index_key: the file and its mtime, or the Neo4j tree), so the
same question on the same index is read once and a rebuilt index is read afresh. Each session
still asks through its own Atlas (its own connection); only the answers are shared."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from kubeatlas.app.web import state
from kubeatlas.graph.knowledge.walkthrough import load_walkthroughs
from kubeatlas.graph.model.schema import EdgeKind
from kubeatlas.graph.notes.rank import intended_implementers, is_test_code
from kubeatlas.graph.notes.render import Note, build_note
from kubeatlas.graph.notes.source import PackageContents, read_package
from kubeatlas.graph.notes.walk import Placed, place_steps
from kubeatlas.graph.query import apiserver, code, neighbourhood, search
from kubeatlas.graph.query.atlas import Atlas, Dependency, EdgeRecord, NodeRecord

Index = tuple[str, int]
_ROLE_EDGES = (str(EdgeKind.DEPENDS_ON), str(EdgeKind.TALKS_TO))


def roles(atlas: Atlas) -> list[NodeRecord]:
    return _roles(atlas, state.index_key())


def role_edges(atlas: Atlas) -> list[EdgeRecord]:
    """DEPENDS_ON and TALKS_TO edges out of every role (the architecture map's edges)."""
    return _role_edges(atlas, state.index_key())


def role_card(atlas: Atlas, role: str) -> dict[str, Any]:
    return _role_card(atlas, state.index_key(), role)


def kind_card(atlas: Atlas, kind: str) -> dict[str, Any]:
    return _kind_card(atlas, state.index_key(), kind)


def kinds_used(atlas: Atlas, packages: Sequence[str]) -> list[apiserver.KindUse]:
    """The API kinds the packages (a role's) watch or write (apiserver.kinds_used)."""
    return _kinds_used(atlas, state.index_key(), tuple(packages))


def roles_writing(atlas: Atlas, kind: str) -> list[tuple[str, apiserver.Write]]:
    """The components that write API kind `kind`, each with its first write
    (apiserver.roles_writing)."""
    return _roles_writing(atlas, state.index_key(), kind)


def code_card(atlas: Atlas, nid: str) -> code.CodeCard:
    return _code_card(atlas, state.index_key(), nid)


def package_contents(atlas: Atlas, package: str) -> PackageContents:
    return _package_contents(atlas, state.index_key(), package)


def deps(atlas: Atlas, package: str, reverse: bool, tests: bool, external: bool
         ) -> list[Dependency]:
    """The package's direct imports (or importers), as the package page lists them."""
    return _deps(atlas, state.index_key(), package, reverse, tests, external)


def ranked_search(atlas: Atlas, text: str, limit: int) -> list[search.Hit]:
    return _ranked_search(atlas, state.index_key(), text, limit)


def subgraph(atlas: Atlas, focus: Sequence[str], filters: Sequence[str],
             node_kinds: Sequence[str], cap: int) -> neighbourhood.Subgraph:
    return _subgraph(atlas, state.index_key(), tuple(focus), tuple(filters), tuple(node_kinds),
                     cap)


def note(atlas: Atlas, subject: str, lang: str) -> Note:
    return _note(atlas, state.index_key(), subject, lang)


def walkthrough(atlas: Atlas, role: str) -> list[tuple[str, list[Placed]]]:
    """The role's walkthrough (start-up, main loop, data flow, extension points; role key
    `kubelet`) placed on the graph as its study note places it: only steps the graph links are
    kept (an extension point, an interface, needs no link to the step before it)."""
    return _walkthrough(atlas, state.index_key(), role)


def implementers(atlas: Atlas, interface: str) -> tuple[list[str], list[str]]:
    """An interface's implementers as a learner reads them: (those its production code means to
    implement it, ordered as the study note lists them: the types that write the methods before
    those that embed the interface; the rest, test doubles last)."""
    return _implementers(atlas, state.index_key(), interface)


# --- the caches: `_atlas` is not hashed; `index` says which index the answer is from ----------
@st.cache_data(show_spinner=False, max_entries=16)
def _roles(_atlas: Atlas, index: Index) -> list[NodeRecord]:
    return _atlas.roles()


@st.cache_data(show_spinner=False, max_entries=16)
def _role_edges(_atlas: Atlas, index: Index) -> list[EdgeRecord]:
    return _atlas.reader.edges_from([r.id for r in _atlas.roles()], list(_ROLE_EDGES))


@st.cache_data(show_spinner=False, max_entries=128)
def _role_card(_atlas: Atlas, index: Index, role: str) -> dict[str, Any]:
    return _atlas.role_summary(role)


@st.cache_data(show_spinner=False, max_entries=128)
def _kind_card(_atlas: Atlas, index: Index, kind: str) -> dict[str, Any]:
    return _atlas.kind_summary(kind)


@st.cache_data(show_spinner=False, max_entries=128)
def _kinds_used(_atlas: Atlas, index: Index, packages: tuple[str, ...]) -> list[apiserver.KindUse]:
    return apiserver.kinds_used(_atlas, packages)


@st.cache_data(show_spinner=False, max_entries=128)
def _roles_writing(_atlas: Atlas, index: Index, kind: str) -> list[tuple[str, apiserver.Write]]:
    return apiserver.roles_writing(_atlas, kind)


@st.cache_data(show_spinner=False, max_entries=256)
def _code_card(_atlas: Atlas, index: Index, nid: str) -> code.CodeCard:
    return code.code_card(_atlas, nid)


@st.cache_data(show_spinner=False, max_entries=128)
def _package_contents(_atlas: Atlas, index: Index, package: str) -> PackageContents:
    return read_package(_atlas, package)


@st.cache_data(show_spinner=False, max_entries=256)
def _deps(_atlas: Atlas, index: Index, package: str, reverse: bool, tests: bool,
          external: bool) -> list[Dependency]:
    return _atlas.deps(package, reverse=reverse, tests=tests, external=external)


@st.cache_data(show_spinner=False, max_entries=256)
def _ranked_search(_atlas: Atlas, index: Index, text: str, limit: int) -> list[search.Hit]:
    return search.ranked_search(_atlas.reader, text, limit)


@st.cache_data(show_spinner=False, max_entries=256)
def _subgraph(_atlas: Atlas, index: Index, focus: tuple[str, ...], filters: tuple[str, ...],
              node_kinds: tuple[str, ...], cap: int) -> neighbourhood.Subgraph:
    return neighbourhood.neighbourhood(_atlas, focus, filters, node_kinds, cap=cap,
                                       max_nodes=neighbourhood.MAX_NODES)


@st.cache_data(show_spinner=False, max_entries=64)  # the notes page says it, in its language
def _note(_atlas: Atlas, index: Index, subject: str, lang: str) -> Note:
    return build_note(_atlas, subject, lang)


@st.cache_data(show_spinner=False, max_entries=64)
def _walkthrough(_atlas: Atlas, index: Index, role: str) -> list[tuple[str, list[Placed]]]:
    walk = load_walkthroughs().get(role)
    return [(part, place_steps(_atlas, steps, linked=part != "extend")[0])
            for part, steps in (walk.parts if walk else ())]


@st.cache_data(show_spinner=False, max_entries=256)
def _implementers(_atlas: Atlas, index: Index, interface: str) -> tuple[list[str], list[str]]:
    iface = _atlas.reader.get_nodes([interface]).get(interface)
    if iface is None:
        return [], []
    found = _atlas.reader.get_nodes([e.source for e in _atlas.implementers(interface)])
    intended = [n.id for n in intended_implementers(_atlas, iface, list(found.values()))]
    rest = sorted(set(found) - set(intended), key=lambda i: (is_test_code(found[i]), i))
    return intended, rest
