"""The SQL console's sandbox: a fresh read-only connection per query (path quoted into the URI),
SQLite limits, an authorizer allow-list of reads, functions and pragmas, and a time limit."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kubeatlas.errors import QueryRejected, QueryTimeout
from kubeatlas.graph.query.reader import QueryResult

# longest string or blob a console query may build (SQLITE_LIMIT_LENGTH): one instr(), replace()
# or LIKE over values of this size is one VM step of a few tenths of a second at worst (the
# largest value of a v1.28.7 index is 5 KB); at 1 MB such a step takes 10-15 s
MAX_VALUE_BYTES = 100_000
LIMITS = {  # sqlite3 limit -> value for a console connection
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,
    sqlite3.SQLITE_LIMIT_COLUMN: 200,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 50,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1_000,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 1_000,
    sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH: 0,
}
FUNCTIONS = frozenset("""
abs avg ceil ceiling char coalesce concat concat_ws count cume_dist date datetime dense_rank
first_value glob group_concat hex ifnull iif instr julianday lag last_value lead length
like likelihood likely lower ltrim max min nth_value ntile nullif octet_length percent_rank
quote random randomblob rank replace round row_number rtrim sign soundex sqlite_version
strftime string_agg substr substring sum time timediff total trim typeof unhex unicode unixepoch
unlikely upper zeroblob
acos acosh asin asinh atan atan2 atanh cos cosh degrees exp floor ln log log10 log2 mod pi pow
power radians sin sinh sqrt tan tanh trunc
json json_array json_array_length json_each json_error_position json_extract json_group_array
json_group_object json_insert json_object json_patch json_quote json_remove json_replace json_set
json_tree json_type json_valid -> ->>
match bm25 highlight snippet
""".split())  # noqa: SIM905 - a word list reads best as text
# not printf() / format(): in SQLite 3.40 their width and precision loops run to the requested
# size (2^31 at most) whatever the length limit, one VM step of up to half a minute
PRAGMAS = frozenset({"data_version", "table_info", "table_xinfo", "table_list", "index_list", "index_info",
                     "index_xinfo", "foreign_key_list", "collation_list", "function_list",
                     "pragma_list"})
_READING = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE}


def readonly_uri(path: Path) -> str:
    """`file:` URI opening path read-only; the path is quoted, so `?`, `#` and `%` in a file or
    folder name stay part of the name (x.db?mode=rw& does not make it writable). `quote` is
    what urllib.request.pathname2url does on POSIX, without importing urllib.request."""
    return f"file:{quote(str(Path(path).absolute()))}?mode=ro"


def connect_readonly(path: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    return sqlite3.connect(readonly_uri(path), uri=True, check_same_thread=check_same_thread)


def run_console_query(path: Path, sql: str, params: Sequence[Any] | Mapping[str, Any] = (), *,
                      limit_ms: int = 2000, max_rows: int = 1000) -> QueryResult:
    """Run one statement on its own sandboxed connection: only reads, allow-listed functions
    and pragmas; values up to MAX_VALUE_BYTES; interrupted at the time limit."""
    if not sql.strip():
        raise QueryRejected("query refused: the query is empty (write a SELECT or WITH)", query=sql)
    conn = connect_readonly(path)
    denied: list[str] = []
    try:
        for limit, value in LIMITS.items():
            conn.setlimit(limit, value)
        conn.set_authorizer(lambda action, arg1, arg2, db, source: _authorize(
            action, arg1, arg2, denied))
        # the time limit: sqlite3_interrupt from a timer thread, seen by SQLite between any
        # two VM steps without the GIL (a Python progress handler takes the GIL every N steps,
        # which slows every other thread of the web server while a long query runs)
        watchdog = threading.Timer(limit_ms / 1000, conn.interrupt)
        watchdog.daemon = True
        watchdog.start()
        try:
            cursor = conn.execute(sql, params)
            columns = tuple(d[0] for d in cursor.description or ())
            rows = cursor.fetchmany(max_rows + 1)
        except sqlite3.Error as exc:
            raise _refusal(exc, sql, denied, limit_ms) from None
        except sqlite3.Warning as exc:  # several statements
            raise QueryRejected(f"query refused: {exc}", query=sql) from None
        finally:
            watchdog.cancel()
            watchdog.join()
    finally:
        conn.close()
    return QueryResult(columns, tuple(tuple(r) for r in rows[:max_rows]), len(rows) > max_rows)


def _authorize(action: int, arg1: str | None, arg2: str | None, denied: list[str]) -> int:
    if action in _READING:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in FUNCTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in PRAGMAS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master":  # a virtual table's first
        return sqlite3.SQLITE_OK  # use re-reads the schema; SQLite itself refuses such writes
    denied.append(_describe(action, arg1, arg2))
    return sqlite3.SQLITE_DENY


def _describe(action: int, arg1: str | None, arg2: str | None) -> str:
    if action == sqlite3.SQLITE_FUNCTION:
        return f"the function {arg2}()"
    if action == sqlite3.SQLITE_PRAGMA:
        return f"PRAGMA {arg1}"
    if (arg1 or "").startswith("sqlite_"):  # CREATE writes the schema table first
        return "a schema change"
    names = {getattr(sqlite3, f"SQLITE_{n}", None): n for n in _ACTIONS}
    return names.get(action, f"action {action}").replace("_", " ").lower()


_ACTIONS = ("INSERT", "UPDATE", "DELETE", "ATTACH", "DETACH", "TRANSACTION", "SAVEPOINT",
            "ANALYZE", "ALTER_TABLE", "REINDEX", "CREATE_TABLE", "CREATE_INDEX", "CREATE_VIEW",
            "CREATE_TRIGGER", "CREATE_TEMP_TABLE", "CREATE_TEMP_VIEW", "CREATE_VTABLE",
            "DROP_TABLE", "DROP_INDEX", "DROP_VIEW", "DROP_VTABLE")


def _refusal(exc: sqlite3.Error, sql: str, denied: list[str], limit_ms: int) -> Exception:
    text = str(exc)
    if "interrupted" in text:
        return QueryTimeout(f"query exceeded {limit_ms} ms; raise KUBEATLAS_QUERY_MS",
                            limit_ms=limit_ms)
    if denied:
        return QueryRejected(f"query refused: {denied[0]} is not allowed (only read-only queries, "
                             "with allow-listed functions and pragmas)", query=sql)
    if "too big" in text:
        return QueryRejected(f"query refused: a value would exceed {MAX_VALUE_BYTES} bytes "
                             "(the console's SQLITE_LIMIT_LENGTH)", query=sql)
    return QueryRejected(f"query failed: {text}", query=sql)
