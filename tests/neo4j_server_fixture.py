"""The REAL Neo4j 5.26 server for the Neo4j tests, from the jars `tools/setup-test` fetched.

Registered through `pytest_plugins` in tests/conftest.py. Missing jars or Java make the tests
FAIL with a clear message — never skip silently — unless KUBEATLAS_SKIP_NEO4J=1 is set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

PASSWORD = "kubeatlas-test-pw"


@dataclass(frozen=True)
class RunningServer:
    cache: Path
    uri: str
    password: str


def _require_runtime():
    """The shared jars (fetched into the default cache) and a Java 17/21, or a failed test."""
    if os.environ.get("KUBEATLAS_SKIP_NEO4J") == "1":
        pytest.skip("KUBEATLAS_SKIP_NEO4J=1: Neo4j tests skipped on request")
    from kubeatlas.errors import ServerSetupError
    from kubeatlas.graph.store.neo4j.local.runtime import fetch, find_java, layout

    shared = layout()
    try:
        find_java()
        fetch(shared)
    except ServerSetupError as exc:
        pytest.fail(f"the Neo4j tests need the server jars and Java 17: {exc} — run "
                    "`tools/setup-test` (or `python -m kubeatlas.graph.store.neo4j.local.server fetch`), or set "
                    "KUBEATLAS_SKIP_NEO4J=1 to skip them knowingly", pytrace=False)
    return shared


def start_server(cache: Path, password: str = PASSWORD) -> RunningServer:
    """A fresh server with its data under `cache`, sharing the fetched jars."""
    from kubeatlas.graph.store.neo4j.local.runtime import layout
    from kubeatlas.graph.store.neo4j.local.server import start

    shared = _require_runtime()
    where = layout(cache)
    where.home.mkdir(parents=True, exist_ok=True)
    if not where.jars.exists():
        where.jars.symlink_to(shared.jars, target_is_directory=True)
    state = start(where, password=password, heap_mb=1024, pagecache_mb=256)
    return RunningServer(cache, state.uri, password)


def stop_server(server: RunningServer) -> None:
    from kubeatlas.graph.store.neo4j.local.runtime import layout
    from kubeatlas.graph.store.neo4j.local.server import stop

    stop(layout(server.cache))


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """One server for the whole session, password set, stopped at the end."""
    server = start_server(tmp_path_factory.mktemp("neo4j-cache"))
    yield server
    stop_server(server)


@pytest.fixture
def neo4j_env(neo4j_server, monkeypatch):
    """The environment a user would set to point kubeatlas at the session server."""
    monkeypatch.setenv("NEO4J_URI", neo4j_server.uri)
    monkeypatch.setenv("NEO4J_USER", "neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_server.password)
    monkeypatch.setenv("NEO4J_DATABASE", "neo4j")
    monkeypatch.delenv("KUBEATLAS_NEO4J_TREE", raising=False)
    return neo4j_server


def connect_to(server: RunningServer, password: str | None = None, **kwargs):
    from kubeatlas.graph.store.neo4j.connection import Neo4jConfig, Neo4jStore

    return Neo4jStore(Neo4jConfig(server.uri, "neo4j", password or server.password, "neo4j"),
                      **kwargs)
