"""Name-prefix lookup for short search text (under the trigram index's three characters): one
range seek on the (kind, name) index per kind and letter case, merged in (name, id) order."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Sequence
from typing import Any

from kubeatlas.graph.query.atlas import NodeRecord
from kubeatlas.graph.store.attrs_json import load_json

MAX_TEXT = 4  # case variants grow as 2**len: this lookup is for short text only


def case_variants(text: str) -> list[str]:
    """Every upper/lower spelling of `text` (`sc` -> sc, sC, Sc, SC)."""
    choices = [sorted({c.lower(), c.upper()}) for c in text]
    return sorted({"".join(p) for p in itertools.product(*choices)})


def prefix_search(conn: sqlite3.Connection, text: str, kinds: Sequence[str],
                  limit: int) -> list[NodeRecord]:
    """Nodes of `kinds` whose name starts with `text` in any letter case, first `limit` in
    (name, id) order."""
    text = text.strip()
    if not text or len(text) > MAX_TEXT or not kinds:
        return []
    rows: list[tuple[Any, ...]] = []
    for kind, variant in itertools.product(kinds, case_variants(text)):
        upper = variant[:-1] + chr(ord(variant[-1]) + 1)
        rows.extend(conn.execute(
            "SELECT id, kind, name, attrs FROM nodes WHERE kind = ? AND name >= ? AND name < ? "
            "ORDER BY name, id LIMIT ?", (kind, variant, upper, limit)))
    rows.sort(key=lambda r: (r[2], r[0]))
    return [NodeRecord(r[0], r[1], r[2] or "", load_json(r[3])) for r in rows[:limit]]
