"""VARIANT_CALLS rows patched for one edited file: the records of its variant bodies replaced,
those of the other files kept (one edge per caller and target lists every variant file's)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence

from kubeatlas.graph.resolve.calls import ordered_variants
from kubeatlas.graph.store.attrs_json import dump_json, load_json

_CHUNK = 500  # ids per IN (...)


def rewrite_variant_calls(conn: sqlite3.Connection, callers: Sequence[str], file: str,
                          records: Mapping[tuple[str, str], list[dict]]) -> tuple[int, int]:
    """Drop `file`'s records from the VARIANT_CALLS edges out of `callers` (the declarations
    in that file), then add `records` ((caller, target) -> this file's records); the change
    in (VARIANT_CALLS edges, records in them)."""
    old: dict[tuple[str, str], list[dict]] = {}
    for start in range(0, len(callers), _CHUNK):
        chunk = list(callers[start:start + _CHUNK])
        old.update(((s, t), load_json(a)["variants"]) for s, t, a in conn.execute(
            "SELECT source, target, attrs FROM edges WHERE kind = 'VARIANT_CALLS' AND source IN "
            f"({','.join('?' * len(chunk))})", chunk))
    touched = {key for key, found in old.items() if any(r["file"] == file for r in found)}
    edges = count = 0
    for key in sorted(touched | set(records)):
        before = old.get(key, [])
        kept = [r for r in before if r["file"] != file] + records.get(key, [])
        conn.execute("DELETE FROM edges WHERE kind = 'VARIANT_CALLS' AND source = ? AND "
                     "target = ?", key)
        if kept:
            conn.execute("INSERT INTO edges VALUES (?, ?, 'VARIANT_CALLS', ?)",
                         (*key, dump_json({"variants": ordered_variants(kept)})))
        edges += bool(kept) - (key in old)
        count += len(kept) - len(before)
    return edges, count


def count_variant_calls(conn: sqlite3.Connection) -> tuple[int, int]:
    """(VARIANT_CALLS edges, records in them)."""
    edges, records = conn.execute(
        "SELECT count(*), coalesce(sum(json_array_length(attrs, '$.variants')), 0) FROM edges "
        "WHERE kind = 'VARIANT_CALLS'").fetchone()
    return int(edges), int(records)
