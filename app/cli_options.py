"""Options shared by the query commands (--db / --neo4j, --json) and opening the chosen store."""

from __future__ import annotations

from pathlib import Path

import click

from app import settings
from graph.query import Atlas


def json_option(fn):
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON output.")(fn)


def store_options(fn):
    """--db PATH (the SQLite index) or --neo4j [URI] (ask the server instead)."""
    fn = click.option("--neo4j", "neo4j_uri", is_flag=False, flag_value="env", default=None,
                      metavar="[URI]", help="Ask a Neo4j server instead of the index file "
                      "(URI default: NEO4J_URI or the local `kubeatlas neo4j` server).")(fn)
    return click.option("--db", "db", type=click.Path(path_type=Path), default=None,
                        help="Index file (default: KUBEATLAS_DB or <cache>/index/default.sqlite)."
                        )(fn)


def open_atlas(db: Path | None, neo4j_uri: str | None) -> Atlas:
    if neo4j_uri is not None:
        from graph.store.neo4j import open_neo4j_reader  # the driver loads only when asked for

        return Atlas(open_neo4j_reader(None if neo4j_uri == "env" else neo4j_uri))
    from graph.store.sqlite import SqliteReader

    return Atlas(SqliteReader(db or settings.default_db()))
