"""Which index the app reads when it is given several: the SQLite files of `kubeatlas web
--db A --db B` (KUBEATLAS_WEB_DBS) or the trees loaded into Neo4j (`--neo4j [URI]`,
KUBEATLAS_WEB_NEO4J), chosen in the sidebar; one Atlas per source, opened once."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from kubeatlas.errors import KubeatlasError
from kubeatlas.graph.query.atlas import Atlas

DBS_ENV = "KUBEATLAS_WEB_DBS"  # index files, os.pathsep-separated
NEO4J_ENV = "KUBEATLAS_WEB_NEO4J"  # a Neo4j URI, or "default" for NEO4J_URI / the local server
_CHOICE = "source"


def configured() -> bool:
    return bool(os.environ.get(NEO4J_ENV) or len(_db_paths()) > 1)


def _db_paths() -> list[str]:
    return [p for p in os.environ.get(DBS_ENV, "").split(os.pathsep) if p]


def _neo4j_uri() -> str | None:
    value = os.environ.get(NEO4J_ENV, "")
    return None if value in ("", "default") else value


@st.cache_resource(show_spinner="Listing the trees in Neo4j …", ttl=60)
def _neo4j_trees(uri: str | None) -> list[str]:
    from kubeatlas.graph.store.neo4j.connection import connect
    from kubeatlas.graph.store.neo4j.reader import list_trees

    store = connect(uri)
    try:
        return [t["tree"] for t in list_trees(store) if t["complete"]]
    finally:
        store.close()


def names() -> list[str]:
    """The sources a user can choose: `neo4j:<tree>` or an index file path."""
    if os.environ.get(NEO4J_ENV):
        return [f"neo4j:{tree}" for tree in _neo4j_trees(_neo4j_uri())]
    return _db_paths()


@st.cache_resource(show_spinner="Opening the index …", max_entries=8)
def open_source(name: str, mtime_ns: int = 0) -> Atlas:
    if name.startswith("neo4j:"):
        from kubeatlas.graph.store.neo4j.connection import open_neo4j_reader

        return Atlas(open_neo4j_reader(_neo4j_uri(), name.removeprefix("neo4j:")))
    from kubeatlas.graph.store.sqlite.reader import SqliteReader

    return Atlas(SqliteReader(Path(name)))


def chosen() -> str:
    """The source picked in the sidebar (the first one until a user picks)."""
    options = names()
    if not options:
        raise KubeatlasError("no tree is loaded in Neo4j yet (`kubeatlas load --db INDEX`)")
    current = st.session_state.get(_CHOICE)
    return current if current in options else options[0]


def mtime_of(name: str) -> int:
    """An index file's mtime (a rebuilt index is another index); 0 for a Neo4j tree."""
    if name.startswith("neo4j:"):
        return 0
    try:
        return Path(name).stat().st_mtime_ns
    except OSError:
        return 0


def atlas_of(name: str) -> Atlas:
    return open_source(name, mtime_of(name))


def atlas() -> Atlas:
    return atlas_of(chosen())


def selector() -> None:
    """The sidebar's tree selector (with Neo4j, or more than one index file)."""
    options = names()
    if len(options) > 1 or os.environ.get(NEO4J_ENV):
        st.sidebar.selectbox("tree", options, key=_CHOICE, format_func=label)


def label(name: str) -> str:
    return name.removeprefix("neo4j:") + " (Neo4j)" if name.startswith("neo4j:") else \
        Path(name).name
