"""The explorer's questions (ranked search, name prefixes, the type/function card, method sets,
the drawn neighbourhood, chains, release comparison) asked of the SQLite index and of the same
index loaded into the real Neo4j server: the answers must be equal."""

from __future__ import annotations

import pytest
from conftest import FIXTURE_TREE
from neo4j_server_fixture import connect_to

from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.graph.diff.release import diff_releases
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.index.stages import default_stages
from kubeatlas.graph.model.schema import EdgeKind, NodeKind
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.query.chains import find_chains
from kubeatlas.graph.query.code import code_card, method_set
from kubeatlas.graph.query.neighbourhood import neighbourhood
from kubeatlas.graph.query.search import SEARCHED_KINDS, ranked_search
from kubeatlas.graph.store.neo4j.load import load_index
from kubeatlas.graph.store.neo4j.reader import Neo4jReader
from kubeatlas.graph.store.sqlite.reader import SqliteReader

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def stores(neo4j_server, tmp_path_factory):
    db = tmp_path_factory.mktemp("explorer") / "ktree.sqlite"
    index_tree(describe_checkout(FIXTURE_TREE), db, jobs=1, max_file_bytes=1 << 20,
               stages=default_stages())
    store = connect_to(neo4j_server)
    load_index(store, db, tree="explorer-ktree", batch_size=50)
    yield Atlas(SqliteReader(db)), Atlas(Neo4jReader(store, "explorer-ktree"))
    store.close()


def _busiest(atlas: Atlas, kind: NodeKind, edge: EdgeKind) -> str:
    return max(atlas.reader.ids_with_kind(str(kind)),
               key=lambda n: (len(atlas.reader.edges_from([n], [str(edge)])), n))


def _hits(atlas: Atlas, text: str) -> list[tuple[str, str, str]]:
    return [(h.id, h.match, h.tier) for h in ranked_search(atlas.reader, text, 30)]


QUERIES = {
    **{f"ranked_{t}": (lambda a, t=t: _hits(a, t))
       for t in ("Ru", "Run", "pod", "Po", "Kubelet", "sync", "New", "zzzNothing")},
    "prefix": lambda a: [n.id for n in a.reader.search_prefix("ne", SEARCHED_KINDS, 50)],
    "code_card_method": lambda a: code_card(a, _busiest(a, NodeKind.METHOD, EdgeKind.CALLS)),
    "code_card_type": lambda a: code_card(a, _busiest(a, NodeKind.TYPE, EdgeKind.HAS_METHOD)),
    "method_sets": lambda a: {t: method_set(a, t) for t in a.reader.ids_with_kind("Type")},
    "neighbourhood": lambda a: neighbourhood(
        a, [_busiest(a, NodeKind.PACKAGE, EdgeKind.IMPORTS)], ["imports", "in role"], cap=5),
    "chains": lambda a: find_chains(a, _busiest(a, NodeKind.PACKAGE, EdgeKind.IMPORTS),
                                    sorted(e.target for e in a.reader.edges_from(
                                        [_busiest(a, NodeKind.PACKAGE, EdgeKind.IMPORTS)],
                                        ["IMPORTS"]))[-1], alternatives=2).found,
}


@pytest.mark.parametrize("query", QUERIES)
def test_both_stores_answer_the_explorers_questions_alike(stores, query):
    sqlite_atlas, neo4j_atlas = stores
    expected = QUERIES[query](sqlite_atlas)
    assert QUERIES[query](neo4j_atlas) == expected
    if query not in ("ranked_zzzNothing",):
        assert expected not in ([], {}, None), query


def test_the_same_tree_in_both_stores_compares_equal(stores):
    diff = diff_releases(*stores).as_json()
    assert all(not diff[k] for k in diff if k not in ("old", "new")), diff


def test_the_web_app_serves_its_pages_from_neo4j_with_a_tree_selector(stores, neo4j_env,
                                                                       monkeypatch):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KUBEATLAS_WEB_NEO4J", "default")
    main = Path(__file__).resolve().parents[1] / "app" / "web" / "main.py"
    at = AppTest.from_file(str(main), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    tree = at.sidebar.selectbox(key="source")
    assert "explorer-ktree (Neo4j)" in tree.options  # options as the selector shows them
    tree.select("neo4j:explorer-ktree").run()
    sqlite_atlas, _ = stores
    method = _busiest(sqlite_atlas, NodeKind.METHOD, EdgeKind.CALLS)
    at.switch_page("views/code.py")
    at.query_params["id"] = method
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    callees = len(sqlite_atlas.callees(method))
    assert f"Callees ({callees})" in [t.label for t in at.tabs]
