"""Which index the app reads when it is given several: the SQLite files of `kubeatlas web
--db A --db B` (KUBEATLAS_WEB_DBS) or the trees loaded into Neo4j (`--neo4j [URI]`,
KUBEATLAS_WEB_NEO4J), chosen in the sidebar; and each browser session's own Atlas over each
source it reads (issue 11's rule: no connection is shared between sessions' threads unless its
driver is thread-safe)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from kubeatlas.app.web import language
from kubeatlas.app.web.words import say
from kubeatlas.errors import KubeatlasError
from kubeatlas.graph.query.atlas import Atlas

if TYPE_CHECKING:
    from kubeatlas.graph.store.neo4j.connection import Neo4jStore

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


@st.cache_resource(show_spinner="Connecting to Neo4j …", max_entries=4)
def _neo4j_store(uri: str | None) -> Neo4jStore:
    """One driver per server, shared by every session: the neo4j driver is thread-safe and
    Neo4jStore runs each query in a session of its own (a pool of connections behind it)."""
    from kubeatlas.graph.store.neo4j.connection import connect

    return connect(uri)


@st.cache_data(show_spinner="Listing the trees in Neo4j …", ttl=60)
def _neo4j_trees(uri: str | None) -> list[str]:
    from kubeatlas.graph.store.neo4j.reader import list_trees

    return [t["tree"] for t in list_trees(_neo4j_store(uri)) if t["complete"]]


def names() -> list[str]:
    """The sources a user can choose: `neo4j:<tree>` or an index file path."""
    if os.environ.get(NEO4J_ENV):
        return [f"neo4j:{tree}" for tree in _neo4j_trees(_neo4j_uri())]
    return _db_paths()


_SESSION_KEY = "kubeatlas_sources"


def atlas_of(name: str) -> Atlas:
    """This session's Atlas over source `name` (`neo4j:<tree>` or an index file), opened once
    per version of it (a rebuilt index is opened afresh). An SQLite connection shared by
    sessions serialises them on its mutex, and a query's progress handler waiting for the GIL
    while another thread waited for that mutex deadlocked the server (issue 11, item 2); a
    Neo4jReader keeps a prefetch cache that two threads must not change at once. Only the Neo4j
    driver, which is thread-safe, is shared."""
    held: dict[str, tuple[int, Atlas]] = st.session_state.setdefault(_SESSION_KEY, {})
    version = mtime_of(name)
    entry = held.get(name)
    if entry is not None and entry[0] == version:
        return entry[1]
    if entry is not None:
        _close(entry[1])
    opened = _open(name)
    held[name] = (version, opened)
    return opened


def _close(atlas_: Atlas) -> None:
    from kubeatlas.graph.store.sqlite.reader import SqliteReader

    if isinstance(atlas_.reader, SqliteReader):  # a Neo4jReader would close the shared driver
        atlas_.reader.close()


def _open(name: str) -> Atlas:
    if name.startswith("neo4j:"):
        from kubeatlas.graph.store.neo4j.reader import Neo4jReader

        return Atlas(Neo4jReader(_neo4j_store(_neo4j_uri()), name.removeprefix("neo4j:")))
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


def atlas() -> Atlas:
    return atlas_of(chosen())


def selector() -> None:
    """The sidebar's tree selector (with Neo4j, or more than one index file)."""
    options = names()
    if len(options) > 1 or os.environ.get(NEO4J_ENV):
        st.sidebar.selectbox(say(language.chosen(), "tree_choice"), options, key=_CHOICE,
                             format_func=label)


def label(name: str) -> str:
    return name.removeprefix("neo4j:") + " (Neo4j)" if name.startswith("neo4j:") else \
        Path(name).name
