"""Every setting in one declarative list: it drives the CLI defaults, the docs and a docs test."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    env: str
    default: str
    help: str

    def value(self) -> str:
        return os.environ.get(self.env, self.default)


SETTINGS = (
    Setting("cache", "KUBEATLAS_CACHE", "", "Cache directory for indexes, clones and Neo4j "
            "(default: the user cache dir, e.g. ~/.cache/kubeatlas)"),
    Setting("db", "KUBEATLAS_DB", "", "Index file used by commands without --db "
            "(default: <cache>/index/default.sqlite)"),
    Setting("jobs", "KUBEATLAS_JOBS", "0", "Worker processes for parsing (0 = all cores)"),
    Setting("max_file_mb", "KUBEATLAS_MAX_FILE_MB", "8", "Files larger than this are read for "
            "their package clause and imports only, and listed as a problem"),
    Setting("extractor", "KUBEATLAS_EXTRACTOR", "auto", "Which extractor reads Go files: auto "
            "(the native one when its extension is built, else Python), native or python"),
    Setting("query_ms", "KUBEATLAS_QUERY_MS", "2000", "Time limit of a console query (ms)"),
    Setting("max_rows", "KUBEATLAS_MAX_ROWS", "1000", "Row cap of a console query "
            "(results past it are cut and flagged truncated)"),
    Setting("neo4j_uri", "NEO4J_URI", "", "Neo4j server for `load`, `cypher` and --neo4j "
            "(default: the local `kubeatlas neo4j` server)"),
    Setting("neo4j_user", "NEO4J_USER", "neo4j", "Neo4j user"),
    Setting("neo4j_password", "NEO4J_PASSWORD", "", "Neo4j password (default: the local "
            "server's, kept in <cache>/neo4j/password)"),
    Setting("neo4j_database", "NEO4J_DATABASE", "neo4j", "Neo4j database to load into and read"),
    Setting("neo4j_tree", "KUBEATLAS_NEO4J_TREE", "", "Which loaded tree --neo4j queries read "
            "(default: the most recently loaded)"),
    Setting("resolver", "KUBEATLAS_RESOLVER", "auto", "Which call resolver indexes: auto (the "
            "native one when built, else Python), native or python"),
    Setting("k8s_root", "KUBEATLAS_K8S_ROOT", "", "A real Kubernetes checkout for the extra "
            "tests and the benchmarks"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str) -> str:
    return _BY_NAME[name].value()


def cache_dir() -> Path:
    configured = setting("cache")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("kubeatlas"))


def default_db() -> Path:
    configured = setting("db")
    return Path(configured).expanduser() if configured else cache_dir() / "index" / "default.sqlite"
