"""The server store on the command line: `kubeatlas neo4j start|stop|status|fetch`,
`kubeatlas load` (index file -> Neo4j tree) and `kubeatlas cypher` (read-only console)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kubeatlas import settings
from kubeatlas.app.cli_options import json_option, neo4j_option, neo4j_uri_of
from kubeatlas.app.console import RichProgress, err, out, print_json, print_table


def _layout():
    from kubeatlas.graph.store.neo4j.local.runtime import layout

    return layout(settings.cache_dir())


@click.group()
def neo4j() -> None:
    """Run a local Neo4j 5.26 Community server (jars from Maven Central, Java 17)."""


@neo4j.command()
@click.option("--password", default=None, help="Initial password (first start; default: "
              "generated and kept in <cache>/neo4j/password, mode 0600).")
@click.option("--port", type=int, default=None, help="Bolt port (default: a free one).")
@click.option("--heap-mb", type=int, default=4096, show_default=True,
              help="JVM heap (a full Kubernetes load is GC-bound below ~4 GB).")
@click.option("--pagecache-mb", type=int, default=2048, show_default=True,
              help="Page cache (one full tree takes ~0.9 GB on disk).")
@click.option("--reset", is_flag=True, help="Wipe the server's data (all loaded trees) first.")
@json_option
def start(password, port, heap_mb, pagecache_mb, reset, as_json) -> None:
    """Start the server on 127.0.0.1 (fetching the jars with Maven on first use)."""
    from kubeatlas.graph.store.neo4j.local.server import start as start_server

    where = _layout()
    state = start_server(where, password=password, port=port, heap_mb=heap_mb,
                         pagecache_mb=pagecache_mb, reset=reset, log=err.print)
    _print_status(state, where, as_json)


@neo4j.command()
def stop() -> None:
    """Stop the local server (its data stays under the cache dir)."""
    from kubeatlas.graph.store.neo4j.local.server import stop as stop_server

    out.print("stopped" if stop_server(_layout()) else "the local Neo4j server is not running")


@neo4j.command()
@json_option
def status(as_json) -> None:
    """Is the local server running, where, and which trees does it hold."""
    from kubeatlas.graph.store.neo4j.local.server import status as server_status

    where = _layout()
    _print_status(server_status(where), where, as_json)


@neo4j.command()
def fetch() -> None:
    """Only download the server jars (Maven) into the cache dir."""
    from kubeatlas.graph.store.neo4j.local.runtime import fetch as fetch_jars
    from kubeatlas.graph.store.neo4j.local.runtime import find_java

    path = fetch_jars(_layout(), log=err.print)
    out.print(f"Neo4j jars in {path}; java: {find_java()}")


def _print_status(state, where, as_json: bool) -> None:
    data = {**state.as_json(), "password_file": str(where.password_file),
            "trees": _trees(state.uri) if state.running else []}
    if as_json:
        print_json(data)
        return
    print_table("local Neo4j server", ("", ""),
                ((k, v) for k, v in data.items() if k != "trees"))
    if state.running:
        out.print(f"connect: {state.uri}  user neo4j, password in {where.password_file}")
        out.print("trees: " + (", ".join(f"{t['tree']}{'' if t['complete'] else ' (partial)'}"
                                          for t in data["trees"]) or "none loaded yet"))


def _trees(uri: str) -> list[dict]:
    from kubeatlas.errors import KubeatlasError
    from kubeatlas.graph.store.neo4j.connection import connect
    from kubeatlas.graph.store.neo4j.load import trees

    try:
        store = connect(uri)
    except KubeatlasError as exc:
        return [{"tree": f"? ({exc})", "complete": False}]
    try:
        return trees(store)
    finally:
        store.close()


@click.command()
@click.option("--db", type=click.Path(path_type=Path), default=None,
              help="Index file to load (default: KUBEATLAS_DB or <cache>/index/default.sqlite).")
@neo4j_option()
@click.option("--replace", "tree", default=None, metavar="TREE",
              help="Load as tree TREE, replacing a tree of that name (default name: the "
              "index's tree, which a reload also replaces).")
@click.option("--delete", "delete", default=None, metavar="TREE",
              help="Delete tree TREE from the server (nothing is loaded).")
@click.option("--list", "list_trees", is_flag=True, help="List the trees on the server.")
@click.option("--batch-size", type=int, default=None, help="Rows per UNWIND transaction.")
@json_option
def load(db, neo4j_uri, tree, delete, list_trees, batch_size, as_json) -> None:
    """Load an index into Neo4j as one tree, side by side with other trees (versions)."""
    from kubeatlas.graph.store.neo4j.connection import connect
    from kubeatlas.graph.store.neo4j.load import (
        DEFAULT_BATCH,
        delete_tree,
        load_index,
        trees,
    )

    store = connect(neo4j_uri_of(neo4j_uri))
    try:
        if list_trees:
            rows = trees(store)
            if as_json:
                print_json(rows)
            else:
                print_table(f"trees in {store.uri}", ("tree", "complete", "nodes", "edges",
                                                      "loaded_at", "source"),
                            ((t["tree"], t["complete"], t["nodes"], t["edges"], t["loaded_at"],
                              t["source"]) for t in rows))
            return
        with RichProgress(enabled=err.is_terminal and not as_json) as progress:
            if delete:
                found = delete_tree(store, delete, progress=progress)
                message = {"deleted": delete, "found": found}
            else:
                summary = load_index(store, db or settings.default_db(), tree=tree,
                                     batch_size=batch_size or DEFAULT_BATCH, progress=progress)
                message = summary.as_json()
    finally:
        store.close()
    if as_json:
        print_json(message)
    elif delete:
        out.print(f"deleted tree {delete!r}" if message["found"] else f"no tree {delete!r}")
    else:
        print_table(f"loaded tree {summary.tree!r} into {store.uri}", ("", ""), (
            ("nodes", summary.nodes), ("edges", summary.edges),
            ("replaced", summary.replaced), ("batch size", summary.batch_size),
            ("entities/s", summary.entities_per_s),
            ("time", f"{summary.seconds:.2f}s  (" + ", ".join(
                f"{k} {v:.2f}s" for k, v in summary.phases.items()) + ")")))


@click.command()
@click.argument("query")
@neo4j_option()
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Query parameter $NAME (VALUE parsed as JSON, else a string); repeatable.")
@json_option
def cypher(query, neo4j_uri, params, as_json) -> None:
    """Run read-only Cypher (READ transaction, time limit, row cap) on the server."""
    from kubeatlas.graph.store.neo4j.connection import connect

    values = {}
    for item in params:
        name, sep, raw = item.partition("=")
        if not sep or not name.isidentifier():
            raise click.UsageError(f"--param wants NAME=VALUE, got {item!r}")
        try:
            values[name] = json.loads(raw)
        except ValueError:
            values[name] = raw
    store = connect(neo4j_uri_of(neo4j_uri))
    try:
        result = store.run_readonly(query, values, limit_ms=int(settings.setting("query_ms")),
                                    max_rows=int(settings.setting("max_rows")))
    finally:
        store.close()
    if as_json:
        print_json(result.as_json())
        return
    print_table(f"{len(result.rows)} rows" + (" (truncated)" if result.truncated else ""),
                result.columns, ([_cell(v) for v in row] for row in result.rows))


def _cell(value):
    return json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else value
