"""Loading into the real Neo4j server: idempotent reloads, trees side by side, deleting one,
clear errors (wrong password, unreachable, server stopped mid-load) and a correct reload."""

from __future__ import annotations

import json
import threading

import pytest
from conftest import SMALL_TREE, write_tree
from neo4j_server_fixture import connect_to, start_server, stop_server
from test_resolve import TREE as RESOLVE_TREE

from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.errors import StoreUnavailable, TreeNotLoaded
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.index.stages import default_stages
from kubeatlas.graph.store.neo4j.connection import check_server_version
from kubeatlas.graph.store.neo4j.load import delete_tree, load_index, trees
from kubeatlas.graph.store.neo4j.props import attrs_of, edge_properties, node_properties
from kubeatlas.graph.store.neo4j.reader import Neo4jReader


def _index(root, db):
    index_tree(describe_checkout(root), db, jobs=1, max_file_bytes=1 << 20,
               stages=default_stages())
    return db


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    base = tmp_path_factory.mktemp("load")
    return {"small": _index(write_tree(base / "small", SMALL_TREE), base / "small.sqlite"),
            "resolve": _index(write_tree(base / "resolve", RESOLVE_TREE), base / "r.sqlite")}


def dump(store, tree: str) -> tuple[list, list]:
    """Everything the server holds for one tree, in a stable order."""
    nodes = store.read("MATCH (n:Node {tree: $t}) RETURN n.id, labels(n), properties(n) "
                       "ORDER BY n.id", {"t": tree})
    edges = store.read("MATCH (a:Node {tree: $t})-[r]->(b) RETURN a.id, type(r), b.id, "
                       "properties(r) ORDER BY a.id, type(r), b.id", {"t": tree})
    return ([[i, sorted(labels), props] for i, labels, props in nodes],
            [[a, t, b, props] for a, t, b, props in edges])


# --- attribute round trip (no server) ---------------------------------------------------
@pytest.mark.parametrize("attrs, native_keys", [
    ({"name": "Pod", "line": 3, "exported": True, "share": 0.25, "platforms": ["linux", "all"]},
     {"name", "line", "exported", "share", "platforms"}),
    ({"name": "x", "empty": [], "none": None, "nested": {"a": [1, {"b": 2}]}, "mixed": [1, "a"]},
     {"name", "empty"}),
    ({"id": "clash", "tree": "clash", "kind": "clash", "name_lc": "clash", "_json": "clash",
      "huge": 1 << 70, "ints": [1, 2], "bools": [True, False], "bool_int": [True, 1]},
     {"_json", "ints", "bools"}),
])
def test_attributes_round_trip_losslessly(attrs, native_keys):
    props = node_properties("t", "type:x.Pod", "Type", attrs)
    assert props["tree"] == "t" and props["id"] == "type:x.Pod" and props["kind"] == "Type"
    assert attrs_of(props["_attrs"]) == attrs
    assert attrs_of(edge_properties("t", attrs)["_attrs"]) == attrs
    assert all(not isinstance(v, (dict, type(None))) for v in props.values())
    native = {k: v for k, v in props.items() if k not in ("tree", "id", "kind", "name_lc",
                                                           "_attrs")}
    assert native == {k: attrs[k] for k in native_keys}  # exactly what Neo4j holds natively
    assert props.get("name_lc") == (attrs["name"].lower() if "name" in attrs else None)


@pytest.mark.parametrize("agent, ok", [("Neo4j/5.26.30", True), ("Neo4j/2025.08.0", True),
                                       ("Neo4j/4.4.12", False), ("Memgraph/2.1", False)])
def test_server_version_check(agent, ok):
    if ok:
        assert check_server_version(agent, "bolt://x") == agent.split("/")[1]
    else:
        with pytest.raises(StoreUnavailable, match=r"Neo4j 5 or newer|does not look like"):
            check_server_version(agent, "bolt://x")


# --- loads ------------------------------------------------------------------------------


@pytest.mark.neo4j
def test_reload_is_idempotent_and_reports_progress(neo4j_server, indexes):
    store = connect_to(neo4j_server)
    phases: dict[str, int] = {}

    class Progress:
        def start(self, phase, total):
            phases.setdefault(phase, 0)
            self.phase = phase

        def advance(self, n):
            phases[self.phase] += n

    first = load_index(store, indexes["resolve"], tree="idem", batch_size=7, progress=Progress())
    before = dump(store, "idem")
    again = load_index(store, indexes["resolve"], tree="idem", batch_size=1000)
    assert dump(store, "idem") == before
    assert not first.replaced and again.replaced
    assert phases["nodes"] == first.nodes and phases["edges"] == first.edges
    assert len(before[0]) == first.nodes and len(before[1]) == first.edges
    assert {"schema", "nodes", "edges", "verify"} <= set(first.phases)
    delete_tree(store, "idem")
    store.close()


@pytest.mark.neo4j
def test_trees_side_by_side_and_delete_one(neo4j_server, indexes):
    store = connect_to(neo4j_server)
    load_index(store, indexes["small"], tree="side-a")
    load_index(store, indexes["resolve"], tree="side-b")
    load_index(store, indexes["small"], tree="side-c")  # same index, another name
    a, b = dump(store, "side-a"), dump(store, "side-b")
    assert Neo4jReader(store, "side-c").count_by_kind() == Neo4jReader(store, "side-a") \
        .count_by_kind()
    assert delete_tree(store, "side-c") and not delete_tree(store, "side-c")
    assert dump(store, "side-a") == a and dump(store, "side-b") == b
    assert dump(store, "side-c") == ([], [])
    load_index(store, indexes["resolve"], tree="side-a")  # replace one with another index
    assert dump(store, "side-b") == b
    assert Neo4jReader(store, "side-a").count_by_kind() == Neo4jReader(store, "side-b") \
        .count_by_kind()
    names = {t["tree"] for t in trees(store)}
    assert {"side-a", "side-b"} <= names and "side-c" not in names
    with pytest.raises(TreeNotLoaded, match="no tree 'side-c'"):
        Neo4jReader(store, "side-c")
    for name in ("side-a", "side-b"):
        delete_tree(store, name)
    store.close()


@pytest.mark.neo4j
def test_an_interrupted_load_is_refused_by_readers(neo4j_server, indexes):
    store = connect_to(neo4j_server)
    load_index(store, indexes["small"], tree="broken")
    store.write("MATCH (t:LoadedTree {tree: 'broken'}) SET t.complete = false")
    with pytest.raises(TreeNotLoaded, match="partly loaded"):
        Neo4jReader(store, "broken")
    load_index(store, indexes["small"], tree="broken")
    assert Neo4jReader(store, "broken").count_by_kind()["Package"] == 3
    delete_tree(store, "broken")
    store.close()


@pytest.mark.neo4j
def test_wrong_password_is_one_clear_error(neo4j_server):
    with pytest.raises(StoreUnavailable, match="refused the credentials of user 'neo4j'") as info:
        connect_to(neo4j_server, password="not-the-password")
    assert info.value.fields["reason"] == "auth" and "\n" not in str(info.value)


def test_unreachable_server_is_one_clear_error():
    from kubeatlas.graph.store.neo4j.connection import Neo4jConfig, Neo4jStore

    with pytest.raises(StoreUnavailable, match=r"cannot reach Neo4j at bolt://127\.0\.0\.1:9") as info:
        Neo4jStore(Neo4jConfig("bolt://127.0.0.1:9", "neo4j", "x", "neo4j"))
    assert "kubeatlas neo4j start" in str(info.value)
    with pytest.raises(StoreUnavailable, match="bad Neo4j URI"):
        Neo4jStore(Neo4jConfig("http://127.0.0.1:9", "neo4j", "x", "neo4j"))


def test_server_too_old_is_one_clear_error():
    """A server that agrees on no Bolt version (as Neo4j 3.4 and older) is named too old."""
    import socket

    from kubeatlas.graph.store.neo4j.connection import Neo4jConfig, Neo4jStore

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)

    def refuse_every_version():
        for _ in range(4):
            try:
                conn, _ = listener.accept()
            except OSError:
                return  # the test closed the listener: the driver asked fewer times
            conn.recv(20)
            conn.sendall(b"\x00\x00\x00\x00")
            conn.close()

    threading.Thread(target=refuse_every_version, daemon=True).start()
    uri = f"bolt://127.0.0.1:{listener.getsockname()[1]}"
    with pytest.raises(StoreUnavailable, match=r"too old or not Neo4j.*Neo4j 5 or newer") as info:
        Neo4jStore(Neo4jConfig(uri, "neo4j", "x", "neo4j"))
    assert info.value.fields["reason"] == "version"
    listener.close()


@pytest.mark.neo4j
def test_server_stopped_mid_load_then_next_load_is_correct(neo4j_server, indexes,
                                                           tmp_path_factory):
    """A second server (the session one keeps serving): stop it during the node writes."""
    server = start_server(tmp_path_factory.mktemp("neo4j-fault"))
    try:
        store = connect_to(server, retry_s=2)
        load_index(store, indexes["small"], tree="keep")
        kept = dump(store, "keep")
        stopped = threading.Event()

        class StopDuringLoad:
            def start(self, phase, total):
                self.phase = phase

            def advance(self, n):
                if self.phase == "nodes" and not stopped.is_set():
                    stopped.set()
                    stop_server(server)

        with pytest.raises(StoreUnavailable, match=r"cannot reach|failed during") as info:
            load_index(store, indexes["resolve"], tree="victim", batch_size=3,
                       progress=StopDuringLoad())
        assert stopped.is_set() and "\n" not in str(info.value)
        store.close()
        server = start_server(server.cache)
        store = connect_to(server)
        assert {t["tree"]: t["complete"] for t in trees(store)}["victim"] is False
        with pytest.raises(TreeNotLoaded):
            Neo4jReader(store, "victim")
        summary = load_index(store, indexes["resolve"], tree="victim")
        assert summary.replaced
        reference = connect_to(neo4j_server)
        load_index(reference, indexes["resolve"], tree="victim-ref")
        expected = dump(reference, "victim-ref")
        delete_tree(reference, "victim-ref")
        reference.close()
        nodes, edges = dump(store, "victim")
        swap = json.loads(json.dumps([nodes, edges]).replace('"victim"', '"victim-ref"'))
        assert swap == json.loads(json.dumps(expected))
        assert dump(store, "keep") == kept
        store.close()
    finally:
        stop_server(server)
