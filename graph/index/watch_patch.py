"""Does a patch of body edits keep the API kinds' WATCHES edges? Their evidence cites a line
of a declaration or a call, and a call can make a package watch a kind: an edit that adds or
removes such a call, or moves a line that some evidence cites, needs the whole stage again."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping

from kubeatlas.analyzer.model import DeclKind, FileFacts
from kubeatlas.graph.knowledge.apikinds import may_watch, watched_kind
from kubeatlas.graph.resolve.calls import CallEdge

Mark = tuple[str | int, ...]  # what can be a watch's evidence, its line last


def watch_marks(f: FileFacts, calls: Iterable[CallEdge]) -> list[Mark]:
    """Everything in one file that the API-kinds stage may cite as a watch: fields and
    parameters typed with an informer or lister, list-watches that name a resource, and
    resolved calls of an informer, a lister or the typed client's Watch."""
    marks: list[Mark] = []
    for d in f.decls:
        typed = d.fields if d.kind is DeclKind.STRUCT else (
            d.params if d.kind in (DeclKind.FUNC, DeclKind.METHOD) else ())
        marks += [("typed", d.qualified_name, x.name, x.type_expr, d.line)
                  for x in typed if may_watch(x.type_expr)]
    marks += [("listed", c.caller, c.callee_expr, c.resource, c.line) for c in f.calls
              if c.resource]
    marks += [("called", caller, target, line) for caller, target, _, _, line, _, _ in calls
              if watched_kind(target)]
    return marks


def keeps_watches(conn: sqlite3.Connection, old: Mapping[str, list[Mark]],
                  new: Mapping[str, list[Mark]]) -> bool:
    """True when every edited file (path -> its marks before and after) still has the same
    marks, and any whose lines moved is cited by no WATCHES edge."""
    for path, before in old.items():
        after = new.get(path, [])
        if sorted(m[:-1] for m in before) != sorted(m[:-1] for m in after):
            return False
        if before != after and _cited(conn, path):
            return False
    return True


def _cited(conn: sqlite3.Connection, path: str) -> bool:
    prefix = f"{path}:"
    return conn.execute(
        "SELECT 1 FROM edges WHERE kind = 'WATCHES' AND "
        "substr(json_extract(attrs, '$.evidence'), 1, ?) = ? LIMIT 1",
        (len(prefix), prefix)).fetchone() is not None
