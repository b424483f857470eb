"""Read an index file: the GraphReader for the query API, and the read-only SQL console."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from kubeatlas.errors import IndexCorrupt, IndexNotFound
from kubeatlas.graph.query.atlas import EdgeRecord, NodeRecord, QueryResult
from kubeatlas.graph.store.attrs_json import load_json
from kubeatlas.graph.store.sqlite.prefix import prefix_search
from kubeatlas.graph.store.sqlite.sandbox import connect_readonly, run_console_query
from kubeatlas.graph.store.sqlite.writer import SCHEMA_VERSION

_CHUNK = 500  # ids per IN (...) list
_PROBE_CHARS = 64  # longest text given to the full-text index as one phrase


class SqliteReader:
    """A read-only connection to one index file."""

    def __init__(self, path: Path) -> None:
        path = Path(path)
        if not path.is_file():
            raise IndexNotFound(f"no index at {path} (run `kubeatlas index PATH` first, "
                                "or pass --db)", path=str(path))
        try:
            self._conn = connect_readonly(path, check_same_thread=False)
            rows = dict(self._conn.execute("SELECT key, value FROM meta"))
        except sqlite3.DatabaseError as exc:
            raise IndexCorrupt(f"{path} is not a kubeatlas index ({exc})", path=str(path)) from None
        self.meta = {k: load_json(v) for k, v in rows.items()}
        if self.meta.get("schema_version") != SCHEMA_VERSION:
            raise IndexCorrupt(f"{path} was written by another kubeatlas version "
                               "(re-run `kubeatlas index`)", path=str(path))
        self.path = path

    def close(self) -> None:
        self._conn.close()

    # --- GraphReader ----------------------------------------------------------------
    def get_nodes(self, ids: Sequence[str]) -> dict[str, NodeRecord]:
        found: dict[str, NodeRecord] = {}
        for chunk in _chunks(list(dict.fromkeys(ids))):
            marks = ",".join("?" * len(chunk))
            for row in self._conn.execute(
                    f"SELECT id, kind, name, attrs FROM nodes WHERE id IN ({marks})", chunk):
                found[row[0]] = _node(row)
        return found

    def edges_from(self, ids: Sequence[str], kinds: Sequence[str]) -> list[EdgeRecord]:
        return self._edges("source", ids, kinds)

    def edges_to(self, ids: Sequence[str], kinds: Sequence[str]) -> list[EdgeRecord]:
        return self._edges("target", ids, kinds)

    def _edges(self, column: str, ids: Sequence[str], kinds: Sequence[str]) -> list[EdgeRecord]:
        out: list[EdgeRecord] = []
        kind_marks = ",".join("?" * len(kinds))
        for chunk in _chunks(list(dict.fromkeys(ids))):
            marks = ",".join("?" * len(chunk))
            sql = (f"SELECT source, target, kind, attrs FROM edges WHERE {column} IN ({marks})"
                   + (f" AND kind IN ({kind_marks})" if kinds else ""))
            for s, t, k, a in self._conn.execute(sql, [*chunk, *kinds]):
                out.append(EdgeRecord(s, t, k, load_json(a)))
        return out

    def search(self, text: str, kinds: Sequence[str], limit: int) -> list[NodeRecord]:
        text = text.strip()
        if not text:
            return []
        kind_sql = f" AND n.kind IN ({','.join('?' * len(kinds))})" if kinds else ""
        order = (" ORDER BY (n.name = ?) DESC, (lower(n.name) = lower(?)) DESC, (n.name LIKE ?) DESC,"
                 " length(n.id), n.id LIMIT ?")  # exact, then in another case (syncpod), prefix
        if len(text) >= 3:
            # the trigram phrase of a bounded prefix narrows the candidates (a 10,000-character
            # phrase took the full-text index most of a minute); instr() checks the rest
            probe = text[:_PROBE_CHARS]
            rest = " AND instr(lower(n.name), lower(?)) > 0" if probe != text else ""
            sql = ("SELECT n.id, n.kind, n.name, n.attrs FROM node_search s JOIN nodes n "
                   "ON n.id = s.id WHERE s.name MATCH ?" + rest + kind_sql + order)
            params = [_fts_phrase(probe), *([text] if rest else []), *kinds, text, text,
                      text + "%", limit]
        else:
            sql = ("SELECT n.id, n.kind, n.name, n.attrs FROM nodes n WHERE n.name LIKE ?"
                   + kind_sql + order)
            params = [f"%{text}%", *kinds, text, text, text + "%", limit]
        return [_node(row) for row in self._conn.execute(sql, params)]

    def search_prefix(self, text: str, kinds: Sequence[str], limit: int) -> list[NodeRecord]:
        """Nodes whose name starts with (short) `text` in any case, in (name, id) order."""
        return prefix_search(self._conn, text, kinds, limit)

    def ids_with_key(self, kind: str, key: str, value: str) -> list[str]:
        if not re.fullmatch(r"[a-z_]+", key):
            raise ValueError(key)
        rows = self._conn.execute(
            f"SELECT id FROM nodes WHERE kind = ? AND json_extract(attrs, '$.{key}') = ? "
            "ORDER BY id", (kind, value))
        return [r[0] for r in rows]

    def ids_under(self, kind: str, key: str, prefix: str) -> list[str]:
        if not re.fullmatch(r"[a-z_]+", key):
            raise ValueError(key)
        return [r[0] for r in self._conn.execute(
            f"SELECT id FROM nodes WHERE kind = ? AND substr(json_extract(attrs, '$.{key}'), 1, ?) "
            "= ? ORDER BY id", (kind, len(prefix), prefix))]

    def ids_with_kind(self, kind: str) -> list[str]:
        return [r[0] for r in self._conn.execute(
            "SELECT id FROM nodes WHERE kind = ? ORDER BY id", (kind,))]

    def count_by_kind(self) -> dict[str, int]:
        recorded = self.meta.get("counts")
        if isinstance(recorded, dict):  # written with the index (and kept by the patch path)
            return dict(sorted(recorded.items()))
        counts = dict(self._conn.execute("SELECT kind, count(*) FROM nodes GROUP BY kind"))
        counts.update(self._conn.execute("SELECT kind, count(*) FROM edges GROUP BY kind"))
        return dict(sorted(counts.items()))

    def tree_info(self) -> dict[str, Any]:
        return {k: v for k, v in self.meta.items() if k != "schema_version"}

    def problems(self) -> list[dict[str, Any]]:
        rows = self._conn.execute(
            "SELECT file, kind, message, line FROM problems ORDER BY file, line")
        return [{"file": f, "kind": k, "message": m, "line": ln} for f, k, m, ln in rows]

    def manifest(self) -> dict[str, tuple[int, int]]:
        return {p: (m, s) for p, m, s in self._conn.execute("SELECT * FROM manifest")}

    # --- read-only console ----------------------------------------------------------
    def run_readonly(self, sql: str, params: Sequence[Any] | dict[str, Any] = (), *, limit_ms: int = 2000,
                     max_rows: int = 1000) -> QueryResult:
        """Run one read-only statement on a fresh sandboxed connection (see sandbox.py):
        allow-listed reads, functions and pragmas, value-size limits, a time limit, a row cap."""
        return run_console_query(self.path, sql, params, limit_ms=limit_ms, max_rows=max_rows)


def _node(row: tuple[Any, ...]) -> NodeRecord:
    return NodeRecord(row[0], row[1], row[2] or "", load_json(row[3]))


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'

