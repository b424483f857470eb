"""The read-only Cypher console and injection: writes are refused and change nothing, the row
cap and time limit hold, and hostile strings passed as parameters stay data."""

from __future__ import annotations

import pytest
from conftest import SMALL_TREE, write_tree
from neo4j_server_fixture import connect_to

from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.errors import NodeNotFound, QueryRejected, QueryTimeout
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.index.stages import default_stages
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.store.neo4j.guard import check_cypher
from kubeatlas.graph.store.neo4j.load import delete_tree, load_index
from kubeatlas.graph.store.neo4j.reader import Neo4jReader

TREE = "console"

WRITES = [
    "CREATE (n:Evil {x: 1})",
    "MATCH (n:Node) DETACH DELETE n",
    "MATCH (n:Node) DELETE n",
    "MATCH (n:Node) SET n.id = 'owned'",
    "MATCH (n:Node) REMOVE n.id",
    "MATCH (n:Node) REMOVE n:Node",
    "MERGE (n:Evil {x: 1}) RETURN n",
    "MATCH (n:Node) WITH n LIMIT 1 MERGE (n)-[:EVIL]->(n)",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "CALL db.createLabel('Evil')",
    "CALL db.createProperty('evil')",
    "MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10 ROWS",
    "MATCH (n:Node) FOREACH (x IN [1] | SET n.evil = x)",
    "DROP CONSTRAINT kubeatlas_node_key",
    "CREATE INDEX evil FOR (n:Node) ON (n.evil)",
    "MATCH (n) RETURN n; MATCH (m) DETACH DELETE m",
    "match (n) detach delete n",
    "MATCH (n) /* comment */ DETACH /* more */ DELETE n",
    "WITH 1 AS x CALL { CREATE (:Evil) } RETURN x",
    "CREATE USER evil SET PASSWORD 'evilevilevil'",
    "ALTER CURRENT USER SET PASSWORD FROM 'a' TO 'b'",
    "STOP DATABASE neo4j",
    "USE system SHOW USERS",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
]
INJECTIONS = [
    "x' }) DETACH DELETE n //",
    "\") MATCH (n) DETACH DELETE n //",
    "pkg:x`]->() DETACH DELETE n //",
    "'; MATCH (n) DETACH DELETE n; //",
    "$tree",
    "{id: 'x'}",
    "\\u0027) DETACH DELETE n //",
]


@pytest.fixture(scope="module")
def store(neo4j_server, tmp_path_factory):
    root = write_tree(tmp_path_factory.mktemp("console") / "k", SMALL_TREE)
    db = root.parent / "i.sqlite"
    index_tree(describe_checkout(root), db, jobs=1, max_file_bytes=1 << 20,
               stages=default_stages())
    store = connect_to(neo4j_server)
    load_index(store, db, tree=TREE)
    yield store
    delete_tree(store, TREE)
    store.close()


def _snapshot(store):
    return store.read("MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n), "
                      "count(r), collect(DISTINCT labels(n)), "
                      "sum(size(keys(n))) ") + store.read(
        "SHOW INDEXES YIELD name RETURN collect(name)")


@pytest.mark.parametrize("query", WRITES)
def test_guard_rejects_writes_before_they_reach_the_server(query):
    with pytest.raises(QueryRejected, match=r"read-only|one statement"):
        check_cypher(query)


@pytest.mark.parametrize("query", [
    "MATCH (n:Node {tree: $tree}) RETURN n.id ORDER BY n.id",
    "MATCH (n) WHERE n.name STARTS WITH 'CREATE' RETURN n.start, n.set, {set: 1}",
    "CALL db.labels() YIELD label RETURN label",
    "// DELETE in a comment\nMATCH (n) RETURN count(n)",
    "MATCH p = (:Package)-[:IMPORTS]->() RETURN p LIMIT 1",
    "UNWIND [1, 2] AS x RETURN x",
])
def test_guard_allows_reads(query):
    check_cypher(query)


@pytest.mark.neo4j
@pytest.mark.parametrize("query", WRITES)
def test_write_attempts_are_refused_and_change_nothing(store, query):
    before = _snapshot(store)
    with pytest.raises(QueryRejected):
        store.run_readonly(query)
    assert _snapshot(store) == before


@pytest.mark.neo4j
def test_read_access_mode_is_the_last_line(store, monkeypatch):
    """Even with the first two lines of defence switched off, the READ transaction refuses."""
    import kubeatlas.graph.store.neo4j.connection as module

    monkeypatch.setattr(module, "check_cypher", lambda query: None)
    before = _snapshot(store)
    with pytest.raises(QueryRejected):
        store.run_readonly("CREATE (n:Evil)")
    assert _snapshot(store) == before


@pytest.mark.neo4j
def test_rows_are_capped_with_truncated_flag(store):
    full = store.run_readonly("MATCH (n:Node {tree: $t}) RETURN n.id ORDER BY n.id", {"t": TREE})
    assert not full.truncated and len(full.rows) > 3
    cut = store.run_readonly("MATCH (n:Node {tree: $t}) RETURN n.id ORDER BY n.id", {"t": TREE},
                             max_rows=3)
    assert cut.truncated and cut.rows == full.rows[:3] and cut.columns == ("n.id",)


@pytest.mark.neo4j
def test_time_limit(store):
    with pytest.raises(QueryTimeout, match="exceeded 300 ms; raise KUBEATLAS_QUERY_MS"):
        store.run_readonly("UNWIND range(1, 1000000000) AS x WITH x WHERE x % 7 = 3 "
                           "RETURN count(x)", limit_ms=300)


@pytest.mark.neo4j
def test_graph_values_come_back_as_plain_data(store):
    result = store.run_readonly("MATCH p = (a:Package {tree: $t})-[r:IMPORTS]->(b) "
                                "RETURN a, r, p ORDER BY a.id LIMIT 1", {"t": TREE})
    node, rel, path = result.rows[0]
    assert "Package" in node["_labels"] and node["id"].startswith("pkg:")
    assert rel["_type"] == "IMPORTS" and rel["_start"] == node["id"]
    assert len(path["nodes"]) == 2 and len(path["relationships"]) == 1


@pytest.mark.neo4j
@pytest.mark.parametrize("text", INJECTIONS)
def test_hostile_strings_through_the_query_api_are_data(store, text):
    before = _snapshot(store)
    atlas = Atlas(Neo4jReader(store, TREE))
    reader = atlas.reader
    assert reader.get_nodes([text]) == {}
    assert reader.edges_from([text], ["IMPORTS"]) == [] and reader.edges_to([text], []) == []
    assert reader.search(text, ["Package"], 10) == []
    assert reader.ids_with_key("Package", "dir", text) == []
    with pytest.raises(NodeNotFound):
        atlas.resolve(text)
    result = store.run_readonly("MATCH (n:Node) WHERE n.id = $v OR n.name = $v RETURN n.id",
                                {"v": text})
    assert result.rows == ()
    assert _snapshot(store) == before


@pytest.mark.neo4j
@pytest.mark.parametrize("name", ["Package) DETACH DELETE n //", "IMPORTS]->() DELETE r //",
                                  "Node`) DETACH DELETE n //"])
def test_labels_and_types_cannot_be_injected(store, name):
    reader = Neo4jReader(store, TREE)
    with pytest.raises(ValueError):
        reader.ids_with_kind(name)
    with pytest.raises(ValueError):
        reader.edges_from(["pkg:x"], [name])
    with pytest.raises(ValueError):
        reader.ids_with_key("Package", name, "x")


@pytest.mark.neo4j
def test_one_trailing_semicolon_is_fine(store):
    result = store.run_readonly("MATCH (n:Package {tree: $t}) RETURN count(n) AS n;  ",
                                {"t": TREE})
    assert result.columns == ("n",) and result.rows == ((3,),)
