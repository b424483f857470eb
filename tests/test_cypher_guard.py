"""The Cypher console guard on tokens (issue 11, item 5): a quote in a comment, escapes in
strings and backticks hide nothing; LOAD CSV in any form and procedures off the allow-list are
refused; and the local server itself refuses LOAD CSV of files and of URLs (real Neo4j)."""

from __future__ import annotations

import http.server
import threading
import time

import pytest
from neo4j_server_fixture import connect_to

from kubeatlas.errors import QueryRejected, QueryTimeout
from kubeatlas.graph.store.neo4j import connection
from kubeatlas.graph.store.neo4j.cypher_tokens import NAME, STRING, WORD, tokenize
from kubeatlas.graph.store.neo4j.guard import check_cypher

URL = "http://127.0.0.1:9/x.csv"


def test_tokens_of_comments_strings_and_backticks():
    tokens = tokenize("MATCH (n:`we``ird`) // it's\nWHERE n.x = 'a\\'b // no' /* \" */ RETURN n")
    assert [(t.kind, t.text) for t in tokens if t.kind in (NAME, STRING)] == [
        (NAME, "we`ird"), (STRING, "a\\'b // no")]
    assert [t.text for t in tokens if t.kind == WORD] == ["MATCH", "n", "WHERE", "n", "x",
                                                          "RETURN", "n"]


@pytest.mark.parametrize("query", [
    f"WITH 1 AS x // it's\nLOAD CSV FROM \"{URL}\" AS l RETURN l, '1'",  # the attack
    f"WITH 1 AS x /* it's */ LOAD CSV FROM '{URL}' AS l RETURN l",
    f"WITH 'a\\'' AS x LOAD CSV FROM '{URL}' AS l RETURN l",
    f"WITH \"\\\"\" AS x LOAD CSV WITH HEADERS FROM '{URL}' AS l RETURN l",
    f"WITH 1 AS `x'` LOAD\nCSV FROM '{URL}' AS l RETURN l",
    f"load csv from '{URL}' as l return l",
    f"CALL {{ LOAD CSV FROM '{URL}' AS l RETURN l }} RETURN l",
    "CALL db.stats.collect('QUERIES')",
    "CALL db.stats.retrieve('QUERIES')",
    "CALL `db`.`stats`.retrieve('QUERIES')",
    "CALL dbms.listConfig()",
    "CALL dbms.components()",
    "CALL dbms.killQueries(['x'])",
    "CALL db.clearQueryCaches()",
    "CALL tx.setMetaData({a: 1})",
    "SHOW TRANSACTIONS",
    "SHOW SETTINGS",
    "SHOW USERS",
    "SHOW DATABASES",
    "RETURN 1 // unterminated 'string is fine in a comment\n, 'x",
    "RETURN 'unterminated",
    "RETURN 1 /* unterminated",
    "MATCH (n) RETURN n; // a second statement\nMATCH (m) DETACH DELETE m",
])
def test_the_guard_refuses(query):
    with pytest.raises(QueryRejected):
        check_cypher(query)


@pytest.mark.parametrize("query", [
    "CALL db.labels() YIELD label RETURN label",
    "CALL db.relationshipTypes()",
    "CALL db.schema.visualization()",
    "CALL db.schema.nodeTypeProperties()",
    "CALL db.info()",
    "SHOW INDEXES",
    "SHOW RANGE INDEXES YIELD name RETURN name",
    "SHOW ALL CONSTRAINTS",
    "SHOW PROCEDURES YIELD name RETURN name",
    "MATCH (n) WHERE n.name = 'LOAD CSV // CALL db.stats.collect' RETURN n.load, {csv: 1}",
    "MATCH (n:`LOAD CSV`) RETURN n",
    "MATCH (n) CALL (n) { RETURN n.id AS id } RETURN id",
    "MATCH (n) RETURN count(n);",
])
def test_the_guard_allows(query):
    check_cypher(query)


@pytest.fixture
def csv_server():
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"a,b\n1,2\n")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/x.csv", hits
    server.shutdown()
    server.server_close()


@pytest.mark.neo4j
def test_the_local_server_refuses_load_csv_even_past_the_guard(neo4j_server, csv_server,
                                                               monkeypatch):
    url, hits = csv_server
    store = connect_to(neo4j_server)
    monkeypatch.setattr(connection, "check_cypher", lambda query: None)  # the server's own line
    try:
        for query in (f"LOAD CSV FROM '{url}' AS l RETURN l", "LOAD CSV FROM "
                      "'file:///etc/passwd' AS l RETURN l"):
            with pytest.raises(QueryRejected):
                store.run_readonly(query, limit_ms=30_000)
    finally:
        store.close()
    assert hits == []  # the server never fetched the URL


@pytest.mark.neo4j
def test_allowed_procedures_run_on_the_real_server(neo4j_server):
    store = connect_to(neo4j_server)
    try:
        for query in ("CALL db.labels()", "CALL db.schema.visualization()", "SHOW INDEXES",
                      "CALL db.info()", "SHOW PROCEDURES"):
            assert store.run_readonly(query, limit_ms=30_000).columns
    finally:
        store.close()


@pytest.mark.neo4j
@pytest.mark.parametrize("query, limit_ms, error, within_s", [
    ("RETURN range(1, 20000000) AS r", 2000, "exceeded 2000 ms|passed 4 MB", 8),
    ("UNWIND range(1, 40) AS i RETURN i, range(1, 100000) AS r", 30000, "passed 4 MB", 25),
])
def test_the_client_stops_reading_a_huge_result(neo4j_server, query, limit_ms, error, within_s):
    store = connect_to(neo4j_server)
    try:
        began = time.monotonic()
        with pytest.raises((QueryTimeout, QueryRejected), match=error):
            store.run_readonly(query, limit_ms=limit_ms)
        assert time.monotonic() - began < within_s
        assert store.run_readonly("RETURN 1 AS one", limit_ms=30_000).rows == ((1,),)  # still works
    finally:
        store.close()
