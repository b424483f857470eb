"""The SQL console's sandbox on a real index (issue 11, items 4 and 7): the authorizer decides
(harmless queries pass, writes and dangerous functions do not), limits bound time and memory,
and the index path is quoted into the read-only URI."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from conftest import SMALL_TREE, write_tree

from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.errors import QueryRejected, QueryTimeout
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.store.sqlite.reader import SqliteReader
from kubeatlas.graph.store.sqlite.sandbox import MAX_VALUE_BYTES, connect_readonly


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("sandbox") / "kubernetes", SMALL_TREE)
    path = root.parent / "index.sqlite"
    index_tree(describe_checkout(root), path, jobs=1, max_file_bytes=1 << 20)
    return path


@pytest.mark.parametrize("sql", [
    "SELECT replace(id, 'pkg', 'p') FROM nodes",
    'SELECT kind AS "update" FROM nodes',
    "-- which kinds\nSELECT DISTINCT kind FROM nodes",
    "/* leading */ WITH k AS (SELECT kind FROM nodes) SELECT count(*) FROM k",
    "SELECT n.id FROM node_search s JOIN nodes n ON n.id = s.id WHERE s.name MATCH 'Pod'",
    "SELECT * FROM pragma_table_info('nodes')",
    "PRAGMA table_info(edges)",
    "SELECT j.key FROM nodes, json_each(nodes.attrs) j",
    "SELECT attrs ->> '$.name' FROM nodes WHERE kind = 'Type'",
    "EXPLAIN QUERY PLAN SELECT * FROM nodes WHERE id = 'x'",
    "SELECT name FROM sqlite_master",
])
def test_harmless_reads_are_accepted(db, sql):
    result = SqliteReader(db).run_readonly(sql)
    assert result.columns and result.rows


@pytest.mark.parametrize("sql, named", [
    ("SELECT fts3_tokenizer('simple')", "fts3_tokenizer"),
    ("SELECT load_extension('/tmp/x.so')", "load_extension"),
    ("SELECT sqlite_compileoption_get(0)", "sqlite_compileoption_get"),
    ("SELECT length(printf('%.*c', 100000000 + length(id), 'x')) FROM nodes LIMIT 100", "printf"),
    ("SELECT format('%.*c', 100000000, 'x')", "format"),
    ("DELETE FROM nodes", "delete"),
    ("UPDATE nodes SET name = 'x'", "update"),
    ("REPLACE INTO meta VALUES ('a', 'b')", "insert"),
    ("INSERT INTO meta SELECT * FROM meta", "insert"),
    ("CREATE TEMP TABLE t (x)", "a schema change"),
    ("ATTACH ':memory:' AS other", "attach"),
    ("PRAGMA writable_schema = 1", "PRAGMA writable_schema"),
    ("PRAGMA cache_size = 1", "PRAGMA cache_size"),
    ("BEGIN", "transaction"),
])
def test_the_authorizer_refuses_what_is_not_allow_listed(db, sql, named):
    began = time.monotonic()
    with pytest.raises(QueryRejected, match="not allowed") as refused:
        SqliteReader(db).run_readonly(sql)
    assert named in str(refused.value)
    assert time.monotonic() - began < 1
    with sqlite3.connect(db) as conn:  # and nothing changed
        assert conn.execute("SELECT count(*) FROM nodes WHERE name = 'x'").fetchone() == (0,)


@pytest.mark.parametrize("sql", [
    "SELECT zeroblob(100000000)",
    "SELECT randomblob(100000000)",
    f"SELECT length(replace(hex(zeroblob({MAX_VALUE_BYTES // 4})), '0', '00000'))",
    "WITH RECURSIVE s(x) AS (SELECT 'x' UNION ALL SELECT x || x FROM s) SELECT length(x) FROM s",
])
def test_values_are_bounded_in_size(db, sql):
    began = time.monotonic()
    with pytest.raises(QueryRejected, match=f"exceed {MAX_VALUE_BYTES} bytes"):
        SqliteReader(db).run_readonly(sql, limit_ms=5000)
    assert time.monotonic() - began < 2


@pytest.mark.parametrize("sql", [
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
    "WITH RECURSIVE c(x) AS (SELECT randomblob(90000) UNION ALL SELECT x FROM c) "
    "SELECT length(x) FROM c ORDER BY x",
    # one VM step as long as the value limit allows: instr() over two near-limit strings
    f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT instr(hex(zeroblob("
    f"{MAX_VALUE_BYTES // 2 - 100} + x % 2)), hex(zeroblob({MAX_VALUE_BYTES // 4})) || '1') FROM c",
])
def test_the_time_limit_holds(db, sql):
    began = time.monotonic()
    with pytest.raises(QueryTimeout, match="KUBEATLAS_QUERY_MS"):
        SqliteReader(db).run_readonly(sql, limit_ms=300)
    assert time.monotonic() - began < 2.5


def test_row_cap_and_one_statement(db):
    result = SqliteReader(db).run_readonly(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 50) SELECT x FROM c",
        max_rows=10)
    assert len(result.rows) == 10 and result.truncated
    with pytest.raises(QueryRejected, match="one statement"):
        SqliteReader(db).run_readonly("SELECT 1; DELETE FROM nodes")


@pytest.mark.parametrize("name", ["x.db?mode=rw&", "a#b/index.sqlite", "p%41/index.sqlite",
                                  "sp ace/i.sqlite"])
def test_the_index_path_is_quoted_into_the_uri(db, tmp_path, name):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(db, path)
    reader = SqliteReader(path)  # not "not a kubeatlas index"
    assert reader.run_readonly("SELECT count(*) FROM nodes").rows[0][0] > 0
    conn = connect_readonly(path)  # no authorizer here: the URI alone keeps it read-only
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM nodes")
    conn.close()
    assert not (tmp_path / "x.db").exists()  # the query string did not name another file
