"""Options shared by the query commands (--db / --neo4j, --json) and opening the chosen store."""

from __future__ import annotations

from pathlib import Path

import click

from kubeatlas import settings
from kubeatlas.app.name_hints import AtlasWithHints
from kubeatlas.errors import IndexCorrupt, KubeatlasError, NodeNotFound
from kubeatlas.graph.model.schema import NodeKind
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.query.platform import DEFAULT_PLATFORM, Platform, PlatformView


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


def open_atlas(db: Path | None, neo4j_uri: str | None,
               platform: Platform = DEFAULT_PLATFORM) -> Atlas:
    """The query API over the chosen store; for another platform than the default, over its
    platform view (functions written per OS read as the variant that platform builds)."""
    if neo4j_uri is not None:
        from kubeatlas.graph.store.neo4j.connection import (
            open_neo4j_reader,  # the driver loads only when asked for
        )

        reader = open_neo4j_reader(neo4j_uri_of(neo4j_uri))
    else:
        reader = open_index(db or settings.default_db())
    return AtlasWithHints(reader if platform.is_default else PlatformView(reader, platform))


def open_index(path: Path):
    """The SQLite index at path, refused when another kubeatlas version built it: its graph
    lacks (or has other) edges than this version's questions read, so an answer would be
    silently wrong (no callers, a claim of absence) where a re-index makes it right."""
    from kubeatlas.analyzer.cache import ANALYZER_VERSION
    from kubeatlas.graph.index.version import GRAPH_VERSION
    from kubeatlas.graph.store.sqlite.reader import SqliteReader

    reader = SqliteReader(path)
    built = (reader.meta.get("analyzer_version"), reader.meta.get("graph_version"))
    if built != (ANALYZER_VERSION, GRAPH_VERSION):
        reader.close()
        older = all(isinstance(v, int) for v in built) and built < (ANALYZER_VERSION, GRAPH_VERSION)
        root = reader.meta.get("root") or "PATH"
        raise IndexCorrupt(
            f"{path} was built by {'an older' if older else 'another'} kubeatlas (analyzer "
            f"{built[0]}, graph {built[1]}; this one reads {ANALYZER_VERSION}, {GRAPH_VERSION}): "
            f"re-run `kubeatlas index {root} --db {path}`", path=str(path))
    return reader


def number_setting(name: str, minimum: float = 0, whole: bool = True) -> float:
    """A numeric setting's value (`KUBEATLAS_JOBS`, …); one that is no number, or below
    `minimum`, is an error naming the variable, not a traceback."""
    setting = next(s for s in settings.SETTINGS if s.name == name)
    raw = setting.value().strip()
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        value = None
    if value is None or value < minimum:
        kind = "a whole number" if whole else "a number"
        raise KubeatlasError(f"{setting.env}={raw!r} is not {kind} >= {minimum:g} ({setting.help}; "
                             f"unset it for the default, {setting.default})", setting=setting.env)
    return value


def role_option(fn):
    return click.option("--role", "role", default=None, metavar="ROLE",
                        help="The role in question (kubelet, kube-scheduler, …): when a name "
                        "matches several nodes, its packages' code ranks first.")(fn)


def role_of(atlas: Atlas, role: str | None) -> str | None:
    """The role id --role names (None without it); an unknown role is an error."""
    if not role:
        return None
    try:
        return atlas.resolve(role, (NodeKind.ROLE,))
    except NodeNotFound as exc:
        hints = exc.fields.get("hints")
        meant = (f"; did you mean {' or '.join(repr(h) for h in hints)}?"
                 if isinstance(hints, list) and hints else "")
        raise NodeNotFound(f"no role {role!r} in the index{meant} (`kubeatlas role` lists them)",
                           name=role) from None


def platform_options(fn):
    """--goos/--goarch: which platform's body a function written per OS is read from."""
    fn = click.option("--goarch", default=None,
                      help="With --goos: the GOARCH of the platform view.")(fn)
    return click.option("--goos", default=None,
                        help="Follow the bodies this GOOS builds where a function is written per "
                        f"OS (with --goarch; default {DEFAULT_PLATFORM.name}).")(fn)


def platform_of(goos: str | None, goarch: str | None) -> Platform:
    if bool(goos) != bool(goarch):
        raise click.UsageError("--goos and --goarch go together")
    return Platform(goos, goarch) if goos and goarch else DEFAULT_PLATFORM


def production_option(fn):
    return click.option("--production", "production_only", is_flag=True,
                        help="Hide test helpers and generated code (shown last otherwise).")(fn)


def pick_option(fn):
    return click.option("--pick", "choice", type=int, default=1, show_default=True,
                        help="Which candidate to take when a name matches several (ranked: "
                        "production code first).")(fn)
