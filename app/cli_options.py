"""Options shared by the query commands (--db / --neo4j, --json) and opening the chosen store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from kubeatlas import settings

if TYPE_CHECKING:
    from kubeatlas.graph.query.atlas import Atlas


def json_option(fn):
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON output.")(fn)


def neo4j_option(help_text: str = "Neo4j server"):
    """--neo4j [URI]: a bare flag means NEO4J_URI or the local `kubeatlas neo4j` server."""
    return click.option("--neo4j", "neo4j_uri", is_flag=False, flag_value="env", default=None,
                        metavar="[URI]", help=f"{help_text} (URI default: NEO4J_URI or the "
                        "local `kubeatlas neo4j` server).")


def neo4j_uri_of(option_value: str | None) -> str | None:
    """The URI the user gave with --neo4j, or None for the default server."""
    return None if option_value in (None, "env") else option_value


def store_options(fn):
    """--db PATH (the SQLite index) or --neo4j [URI] (ask the server instead)."""
    fn = neo4j_option("Ask a Neo4j server instead of the index file")(fn)
    return click.option("--db", "db", type=click.Path(path_type=Path), default=None,
                        help="Index file (default: KUBEATLAS_DB or <cache>/index/default.sqlite)."
                        )(fn)


def open_atlas(db: Path | None, neo4j_uri: str | None) -> Atlas:
    from kubeatlas.graph.query.atlas import Atlas

    if neo4j_uri is not None:
        from kubeatlas.graph.store.neo4j.connection import (
            open_neo4j_reader,  # the driver loads only when asked for
        )

        return Atlas(open_neo4j_reader(neo4j_uri_of(neo4j_uri)))
    from kubeatlas.graph.store.sqlite.reader import SqliteReader

    return Atlas(SqliteReader(db or settings.default_db()))


def production_option(fn):
    return click.option("--production", "production_only", is_flag=True,
                        help="Hide test helpers and generated code (shown last otherwise).")(fn)


def pick_option(fn):
    return click.option("--pick", "choice", type=int, default=1, show_default=True,
                        help="Which candidate to take when a name matches several (ranked: "
                        "production code first).")(fn)
