"""Patch an index in place for edits that keep every declaration's shape (bodies, comments).

Such an edit changes only the edited files' line numbers, docs, problems and outgoing calls:
the patch rewrites exactly those rows in one SQLite transaction (atomic: an interruption rolls
back), resolving the new calls against a lazy symbol table that reads only the packages the
edited files reach. Anything else — a new, removed or reshaped declaration — returns None and
the caller rebuilds the whole index."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubeatlas.analyzer.buildtags import buildable_somewhere
from kubeatlas.analyzer.cache import CacheEntry, FactsCache
from kubeatlas.analyzer.model import FileFacts, SourceFile
from kubeatlas.analyzer.scan import scan_files
from kubeatlas.graph.build.structure import TreeInfo, build_graph
from kubeatlas.graph.index.variant_patch import count_variant_calls, rewrite_variant_calls
from kubeatlas.graph.index.watch_patch import keeps_watches, watch_marks
from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.model.schema import CallVia, NodeKind
from kubeatlas.graph.resolve.calls import (
    ARG_VALUE,
    FIELD_CALL,
    FIELD_VALUE,
    FORWARD,
    MAX_FORWARDS,
    PARAM_STORE,
    STORED,
    CallEdge,
    finish_tally,
    resolve_file_calls,
    variant_record,
)
from kubeatlas.graph.resolve.handoff import (
    CHANNEL_PASS,
    CHANNEL_STORE,
    CHANNEL_YIELD,
    ENDS,
    GIVING,
    is_channel_route,
)
from kubeatlas.graph.resolve.symbols import SymbolTable, package_of_id
from kubeatlas.graph.store.attrs_json import dump_json, load_json

MAX_PATCHED_FILES = 64
_STRUCTURAL = {str(NodeKind.TREE), str(NodeKind.MODULE), str(NodeKind.EXTERNAL_PACKAGE)}


@dataclass(frozen=True, slots=True)
class Patch:
    files: int  # files patched
    calls: int  # CALLS edges rewritten


def patch_index(db: Path, root: Path, changed: Sequence[SourceFile], cache: FactsCache,
                manifest: dict[str, tuple[int, int]], tree: TreeInfo, *, jobs: int,
                max_file_bytes: int) -> Patch | None:
    """Apply body-only edits to db; None when the edit needs a full rebuild."""
    if not changed or len(changed) > MAX_PATCHED_FILES:
        return None
    old_rows: dict[str, CacheEntry] = {}
    for s in changed:
        entry = cache.entry(s.rel_path)
        if entry is None:  # never scanned: nothing to compare the edit with
            return None
        old_rows[s.rel_path] = entry
    old = {path: cache.facts(path) for path in old_rows}
    new, _ = scan_files(root, changed, cache=cache, jobs=1, prune=False,
                        max_file_bytes=max_file_bytes)
    if any(f.declaration_shape() != old[f.rel_path].declaration_shape() for f in new):
        _restore(cache, old_rows)
        return None
    symbols = _lazy_symbols(cache)
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    old_calls = {path: resolve_file_calls(f, symbols, before) for path, f in old.items()}
    new_calls = {f.rel_path: resolve_file_calls(f, symbols, after) for f in new}
    rewired = (set(_wiring(e for calls in old_calls.values() for e in calls))
               ^ set(_wiring(e for calls in new_calls.values() for e in calls)))
    if _rewires(rewired, cache, symbols):
        _restore(cache, old_rows)  # what is stored in or called through func fields changed:
        return None  # those calls join across files, so rebuild
    old_marks = {path: watch_marks(f, old_calls[path]) for path, f in old.items()}
    new_marks = {f.rel_path: watch_marks(f, new_calls[f.rel_path]) for f in new}
    by_package: dict[str, list[str]] = defaultdict(list)
    for path, head in cache.heads():
        by_package[head.import_path].append(path)
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        if not keeps_watches(conn, old_marks, new_marks):  # a watch came or went, or the
            conn.execute("ROLLBACK")  # line its evidence cites moved: the API-kinds stage
            _restore(cache, old_rows)  # runs again in a rebuild
            return None
        for package in sorted({f.import_path for f in new}):
            files = [cache.declarations(p) for p in sorted(by_package[package])]  # build reads no calls
            _rewrite_nodes(conn, build_graph(files, [], tree))
        existing = _existing_ids(conn, {c for calls in new_calls.values() for c, t, *_ in calls}
                                 | {t for calls in new_calls.values() for c, t, *_ in calls})
        edges: Counter[str] = Counter()  # CALLS and REFERENCES rows added minus removed
        for f in new:
            edges.update(_rewrite_calls(conn, f, new_calls[f.rel_path], existing))
            conn.execute("DELETE FROM problems WHERE file = ?", (f.rel_path,))
            conn.executemany("INSERT INTO problems VALUES (?, ?, ?, ?)",
                             [(f.rel_path, p.kind, p.message, p.line) for p in f.problems])
            conn.execute("UPDATE manifest SET mtime_ns = ?, size = ? WHERE path = ?",
                         (*manifest[f.rel_path], f.rel_path))
        _update_meta(conn, tree, before, after, edges)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        _restore(cache, old_rows)
        raise
    finally:
        conn.close()
    return Patch(len(new), sum(len(calls) for calls in new_calls.values()))


def _restore(cache: FactsCache, old_rows: Mapping[str, CacheEntry]) -> None:
    for path, entry in old_rows.items():
        cache.restore(path, entry)


def _lazy_symbols(cache: FactsCache) -> SymbolTable:
    paths_by_package: dict[str, list[str]] = defaultdict(list)
    clauses: dict[str, Counter[str]] = defaultdict(Counter)
    for path, head in cache.heads():
        paths_by_package[head.import_path].append(path)
        if head.package and not head.is_test and buildable_somewhere(head.build_expr):
            clauses[head.import_path][head.package] += 1
    names = {p: c.most_common(1)[0][0] for p, c in clauses.items()}

    def provider(import_path: str) -> list[FileFacts]:
        return [cache.declarations(p) for p in sorted(paths_by_package[import_path])]

    return SymbolTable(provider, set(paths_by_package), names)


def _rewrite_nodes(conn: sqlite3.Connection, fragment: KubeGraph) -> None:
    """New attributes over the old ones: later stages add attributes (a package's `binaries`)
    that the structural build does not know, and those must survive the patch."""
    fresh = {node.id: node.attrs for node in fragment.nodes()
             if str(node.kind) not in _STRUCTURAL}
    old: dict[str, dict[str, Any]] = {}
    ids = list(fresh)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        old.update((nid, load_json(attrs)) for nid, attrs in conn.execute(
            f"SELECT id, attrs FROM nodes WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    rows = [(attrs.get("name", ""), dump_json({**old.get(nid, {}), **attrs}), nid)
            for nid, attrs in fresh.items()]
    conn.executemany("UPDATE nodes SET name = ?, attrs = ? WHERE id = ?", rows)


def _existing_ids(conn: sqlite3.Connection, ids: set[str]) -> set[str]:
    found: set[str] = set()
    items = sorted(ids)
    for i in range(0, len(items), 500):
        chunk = items[i:i + 500]
        found.update(r[0] for r in conn.execute(
            f"SELECT id FROM nodes WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return found


_WIRING = frozenset({STORED, FIELD_CALL, FIELD_VALUE, PARAM_STORE, ARG_VALUE, FORWARD,
                     CHANNEL_YIELD, CHANNEL_PASS, CHANNEL_STORE}) | ENDS


def _wiring(edges: Iterable[CallEdge]) -> list[tuple[str, str, str]]:
    """The stores into func-typed fields and the calls and values through them, the ends of
    hand-offs (sends, receives, queue adds and takes on fields, getters and parameters) and
    the routes of channels (a getter's field, a caller's argument, a channel stored into a
    field), without lines."""
    return sorted({(c, t, via) for c, t, via, *_ in edges if via in _WIRING})


def _rewires(changed: set[tuple[str, str, str]], cache: FactsCache, symbols: SymbolTable) -> bool:
    """Does the change in wiring matter? A function value passed as an argument
    (`wait.Until(c.other, …)`) does only when the parameter it lands in is stored in a field,
    directly or after being handed on (wait.Until hands f on to JitterUntil, which only calls
    it: no); every other change does. The callees' packages are resolved to tell."""
    if not changed:
        return False
    if any(via != ARG_VALUE for _, _, via in changed):
        return True
    slots = {slot for slot, _, _ in changed}
    seen = set(slots)
    for _ in range(MAX_FORWARDS):
        packages = {package_of_id(slot.rpartition("@")[0]) for slot in slots}
        onward: set[str] = set()
        for path, head in cache.heads():
            if head.import_path not in packages:
                continue
            for source, target, via, *_ in resolve_file_calls(cache.facts(path), symbols, Counter()):
                if source in slots and via == PARAM_STORE:
                    return True
                if source in slots and via == FORWARD:
                    onward.add(target)
        slots = onward - seen
        seen |= slots
        if not slots:
            return False
    return True


def _rewrite_calls(conn: sqlite3.Connection, f: FileFacts, calls: Sequence[CallEdge],
                   existing: set[str]) -> Counter[str]:
    """Replace the CALLS and REFERENCES edges of f's functions; the change in their numbers."""
    callers = [r[0] for r in conn.execute(
        "SELECT target FROM edges WHERE kind = 'DECLARES' AND source = ?", (f"file:{f.rel_path}",))]
    own: list[str] = []  # the callers read from this file (not another platform's variant)
    for i in range(0, len(callers), 500):
        chunk = callers[i:i + 500]
        own += [r[0] for r in conn.execute(
            f"SELECT id FROM nodes WHERE id IN ({','.join('?' * len(chunk))}) AND "
            "json_extract(attrs, '$.file') = ?", (*chunk, f.rel_path))]
    change: Counter[str] = Counter()
    for i in range(0, len(own), 500):
        chunk = own[i:i + 500]
        for kind in ("CALLS", "REFERENCES"):
            change[kind] -= conn.execute(
                f"DELETE FROM edges WHERE kind = ? AND source IN ({','.join('?' * len(chunk))}) "
                "AND coalesce(json_extract(attrs, '$.via'), '') != 'stored'", (kind, *chunk)
            ).rowcount
    rows = []
    variants: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for c, t, via, n, line, file, variant in calls:
        if via in (FIELD_CALL, FIELD_VALUE):  # its stored calls and values stay; their line
            conn.execute(  # and count move
                "UPDATE edges SET attrs = json_set(attrs, '$.line', ?, '$.count', ?) "
                "WHERE kind = ? AND source = ? AND json_extract(attrs, '$.via') = 'stored' AND "
                "json_extract(attrs, '$.field') = ?",
                (line, n, "CALLS" if via == FIELD_CALL else "REFERENCES", c, t.partition(":")[2]))
        elif via in GIVING:  # its hand-offs stay; this end's line moves
            conn.execute(
                "UPDATE edges SET attrs = json_set(attrs, '$.line', ?, '$.count', ?) WHERE kind = "
                "'HANDS_OFF' AND source = ? AND " + _END_KEY.format(end="given"),
                (line, n, c, *_end_key(t)))
        elif via in ENDS:
            conn.execute(
                "UPDATE edges SET attrs = json_set(attrs, '$.to_line', ?) WHERE kind = "
                "'HANDS_OFF' AND target = ? AND " + _END_KEY.format(end="taken"),
                (line, c, *_end_key(t)))
        elif c in existing and t in existing:
            if variant:
                variants[(c, t)].append(variant_record(via, n, line, file))
            elif via == CallVia.VALUE:
                rows.append((c, t, "REFERENCES", dump_json({"via": via, "count": n, "line": line,
                                                             "file": file})))
            else:
                rows.append((c, t, "CALLS", dump_json({"via": via, "count": n, "line": line})))
    conn.executemany("INSERT INTO edges VALUES (?, ?, ?, ?)", rows)
    change.update(kind for _, _, kind, _ in rows)
    change["VARIANT_CALLS"], change["variant_calls"] = rewrite_variant_calls(
        conn, callers, f.rel_path, variants)
    return change


# a HANDS_OFF edge's end: on its field itself (no route), or through a getter or parameter;
# a taker's field is another one when it holds the same channel as the giver's
_END_KEY = ("coalesce(json_extract(attrs, '$.{end}_through'), '') = ? AND "
            "coalesce(json_extract(attrs, '$.{end}_field'), json_extract(attrs, '$.field')) = "
            "coalesce(?, json_extract(attrs, '$.{end}_field'), json_extract(attrs, '$.field'))")


def _end_key(key: str) -> tuple[str, str | None]:
    """(route, field) parameters of _END_KEY for an end's key: a field's is ("", the field
    without "field:"), a route's (the route, None: any field it leads to)."""
    return (key, None) if is_channel_route(key) else ("", key.partition(":")[2])


def _update_meta(conn: sqlite3.Connection, tree: TreeInfo, before: Counter[str],
                 after: Counter[str], edges: Counter[str]) -> None:
    meta = {k: load_json(v) for k, v in conn.execute("SELECT key, value FROM meta")}
    figures = meta.get("figures") or {}
    calls = Counter((figures.get("resolve") or {}).get("calls") or {})
    calls.pop("resolved_share_pct", None)
    calls.pop("edges", None)
    calls.pop("reference_edges", None)
    calls.pop("variant_calls", None)
    calls.subtract({k: v for k, v in before.items()})
    calls.update({k: v for k, v in after.items()})
    counts = meta.get("counts")
    if counts is None:  # an index from before counts were recorded: count them once
        counts = {kind: conn.execute("SELECT count(*) FROM edges WHERE kind = ?",
                                     (kind,)).fetchone()[0] for kind in ("CALLS", "REFERENCES")}
        counts["VARIANT_CALLS"], variant_calls = count_variant_calls(conn)
    else:
        counts = {**counts, **{kind: counts.get(kind, 0) + edges[kind]
                               for kind in ("CALLS", "REFERENCES", "VARIANT_CALLS")}}
        before_variants = (figures.get("resolve") or {}).get("calls", {}).get("variant_calls", 0)
        variant_calls = before_variants + edges["variant_calls"]
    edges_now, references = counts["CALLS"], counts.get("REFERENCES", 0)
    if "resolve" in figures:
        figures["resolve"]["calls"] = {**finish_tally(Counter({k: v for k, v in calls.items()
                                                               if v})), "edges": edges_now,
                                       **({"reference_edges": references} if references else {}),
                                       **({"variant_calls": variant_calls} if variant_calls
                                          else {})}
    updates = [(dump_json(tree.indexed_at), "indexed_at"), (dump_json(figures), "figures")]
    if "counts" in meta:  # node counts stay (body edits only); CALLS may not
        updates.append((dump_json(dict(sorted((k, v) for k, v in counts.items() if v))),
                        "counts"))
    conn.executemany("UPDATE meta SET value = ? WHERE key = ?", updates)
