"""Text tables for `mini get`: kubectl's human-readable printer over the column definitions of tables.py.

Mirrors k8s.io/cli-runtime/pkg/printers (`(*HumanReadablePrinter).PrintObj` /
`printTable`: upper-cased headers, priority-1 columns only with `-o wide`, a NAMESPACE
column first for `--all-namespaces`) fed by pkg/printers/internalversion's columns, which
minik8s declares once in tables.py and also serves as Table objects to kubectl.
"""

from __future__ import annotations

import time

from kubeatlas.minik8s import meta
from kubeatlas.minik8s.tables import age_of, columns_for


def age(obj: dict, now: float | None = None) -> str:
    return age_of((obj.get("metadata") or {}).get("creationTimestamp"), now or time.time())


def table(kind: str, items: list[dict], *, wide: bool = False, namespaced_all: bool = False) -> str:
    """Aligned columns, as `kubectl get` prints them."""
    columns = [c for c in columns_for(kind) if wide or c.priority == 0]
    headers = [c.name.upper() for c in columns]
    rows = [[str(c.cell(item)) for c in columns] for item in items]
    if namespaced_all:
        headers = ["NAMESPACE", *headers]
        rows = [[meta.namespace_of(item), *r] for item, r in zip(items, rows, strict=True)]
    if not rows:
        return ""
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=True)]
    lines = ["   ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in [headers, *rows]]
    return "\n".join(lines)
