"""`kubeatlas find NAME`: packages, types, functions and methods whose name contains NAME,
production code first, and whether the limit cut the list."""

from __future__ import annotations

import click

from kubeatlas.app.cli_options import json_option, open_atlas, production_option, store_options
from kubeatlas.app.console import out, print_json, print_table
from kubeatlas.graph.model.schema import NodeKind


@click.command()
@click.argument("name")
@click.option("--kind", "kinds", multiple=True,
              type=click.Choice([k.value for k in NodeKind], case_sensitive=False),
              help="Only nodes of this kind (repeatable).")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="At most this many matches.")
@production_option
@store_options
@json_option
def find(name, kinds, limit, production_only, db, neo4j_uri, as_json) -> None:
    """Packages, types, functions and methods whose name contains NAME (production code first)."""
    if not name.strip():
        raise click.BadParameter("give part of a name, e.g. SyncPod", param_hint="NAME")
    atlas = open_atlas(db, neo4j_uri)
    kinds = [k for k in NodeKind if k.value.lower() in {x.lower() for x in kinds}]
    hits, more = _first_matches(atlas, name, kinds, limit, production_only)
    if as_json:
        print_json([h.as_json() for h in hits])
        return
    if not hits:  # one line, not an empty table
        out.print(f"no name contains {name!r}" + (" in production code" if production_only else "")
                  + " (a part of one name: `Run`, `Scheduler`, not `Scheduler.Run`)")
        raise SystemExit(1)
    print_table(f"{'the first ' if more else ''}{len(hits)} matches for {name!r}"
                + (" (--limit N for more)" if more else ""), ("kind", "id", "where"),
                ((h.kind, h.id, _where(h.attrs)) for h in hits))


def _first_matches(atlas, name: str, kinds, limit: int, production_only: bool):
    """The first `limit` matches and whether there are more (with --production, test code is
    left out before the limit: see graph/query/search.py)."""
    found = atlas.find(name, kinds, limit + 1, production_only)
    return found[:limit], len(found) > limit


def _where(attrs) -> str:
    return f"{attrs['file']}:{attrs['line']}" if attrs.get("file") else attrs.get("dir", "")
