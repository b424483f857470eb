"""The app's link to the index: where it is (KUBEATLAS_DB or the CLI default), each browser
session's own Atlas (its own read-only connection: sessions never share one), the tree it
describes, and KubeatlasError shown as st.error instead of a traceback."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import streamlit as st

from kubeatlas import settings
from kubeatlas.app.web import language, sources
from kubeatlas.app.web.words import say
from kubeatlas.errors import KubeatlasError, QueryRejected
from kubeatlas.graph.notes.citation import tree_url
from kubeatlas.graph.query.atlas import Atlas


def db_path() -> Path:
    return settings.default_db()


def version() -> tuple[str, int]:
    """The index file and its mtime: a cache key that changes when the index is rebuilt."""
    path = db_path()
    try:
        return str(path), path.stat().st_mtime_ns
    except OSError:
        return str(path), 0


def index_key() -> tuple[str, int]:
    """The identity of the index this session reads: the chosen source (several indexes or
    Neo4j) or the one index file, with its mtime. Cached answers are keyed by it."""
    if sources.configured():
        name = sources.chosen()
        return name, sources.mtime_of(name)
    return version()


def atlas() -> Atlas:
    """This session's Atlas over the index, opened once per file version (sources.atlas_of);
    stops the page with an st.error when the index is missing or unreadable."""
    path = db_path()
    try:
        if sources.configured():  # several indexes or Neo4j: the one chosen in the sidebar
            return sources.atlas()
        return sources.atlas_of(str(path))
    except KubeatlasError as exc:
        _fail(str(exc))
    except sqlite3.DatabaseError as exc:
        _fail(say(language.chosen(), "index_unreadable", path=path, why=exc))
    raise AssertionError("unreachable")


def _fail(message: str) -> None:
    st.error(message)
    st.info(say(language.chosen(), "index_where"))
    st.stop()


def tree(atlas_: Atlas) -> dict[str, Any]:
    return atlas_.reader.tree_info()


def sidebar(atlas_: Atlas) -> None:
    info = tree(atlas_)
    commit = str(info.get("commit") or "")
    url = tree_url(info)
    version = info.get("k8s_version") or info.get("ref") or "?"
    lang = language.chosen()
    pinned = f"[{commit[:12]}]({url})" if commit and url else (commit[:12] or say(lang, "no_commit"))
    # the file's name only: a reader of the page never sees the server's paths
    shown = sources.label(sources.chosen()) if sources.configured() else db_path().name
    st.sidebar.caption(say(lang, "index_line", version=version, pinned=pinned, shown=shown))


@contextlib.contextmanager
def reported() -> Iterator[None]:
    """Turn what a user can cause (unknown names, rejected queries) into st.error."""
    try:
        yield
    except QueryRejected as exc:  # the guard's reason names SQL words: said, not translated
        st.error(say(language.chosen(), "query_refused", why=exc))
    except KubeatlasError as exc:
        st.error(str(exc))
    except sqlite3.DatabaseError as exc:
        st.error(say(language.chosen(), "index_broken", why=exc))


def param(name: str, default: str = "") -> str:
    value = st.query_params.get(name, default)
    return value if isinstance(value, str) else default
