"""Every question of the query API, asked of the SQLite index and of the same index loaded into
the real Neo4j server: the answers must be equal. Trees: the resolution tree of
test_resolve.py and the fixture tree tests/fixtures/ktree, loaded side by side."""

from __future__ import annotations

import pytest
from conftest import FIXTURE_TREE, write_tree
from neo4j_server_fixture import connect_to
from test_resolve import TREE as RESOLVE_TREE

from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.index.stages import default_stages
from kubeatlas.graph.model.schema import EdgeKind, NodeKind
from kubeatlas.graph.query.apiserver import kinds_used, roles_writing, via_apiserver
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.query.chain import find_chain
from kubeatlas.graph.query.chains import find_chains
from kubeatlas.graph.query.directory import list_directory
from kubeatlas.graph.query.meeting import meeting
from kubeatlas.graph.query.names import is_production
from kubeatlas.graph.query.platform import Platform, PlatformView
from kubeatlas.graph.store.neo4j.load import load_index
from kubeatlas.graph.store.neo4j.reader import Neo4jReader
from kubeatlas.graph.store.sqlite.reader import SqliteReader

pytestmark = pytest.mark.neo4j
TREES = ["resolve", "ktree"]


@pytest.fixture(scope="module")
def stores(neo4j_server, tmp_path_factory):
    """{tree name: (sqlite Atlas, neo4j Atlas)} for both trees, loaded into one server."""
    base = tmp_path_factory.mktemp("cross")
    roots = {"resolve": write_tree(base / "resolve", RESOLVE_TREE), "ktree": FIXTURE_TREE}
    store = connect_to(neo4j_server)
    out = {}
    for name, root in roots.items():
        db = base / f"{name}.sqlite"
        index_tree(describe_checkout(root), db, jobs=1, max_file_bytes=1 << 20,
                   stages=default_stages())
        load_index(store, db, tree=f"cross-{name}", batch_size=50)
        out[name] = (Atlas(SqliteReader(db)), Atlas(Neo4jReader(store, f"cross-{name}")))
    yield out
    store.close()


def _first(atlas: Atlas, kind: NodeKind, edge: EdgeKind | None = None, reverse=False) -> str:
    """A node of `kind` (having an `edge` out of it, or into it) chosen from the SQLite side."""
    ids = atlas.reader.ids_with_kind(str(kind))
    if edge is None:
        return ids[0]
    fetch = atlas.reader.edges_to if reverse else atlas.reader.edges_from
    with_edges = sorted({e.target if reverse else e.source for e in fetch(ids, [str(edge)])})
    return with_edges[len(with_edges) // 2] if with_edges else ids[0]


def _deep_package(atlas: Atlas) -> str:
    pkgs = atlas.reader.ids_with_kind(str(NodeKind.PACKAGE))
    return max(pkgs, key=lambda p: (len(atlas.deps(p, depth=3)), p))


def _on(atlas: Atlas, goos: str, goarch: str) -> Atlas:
    return Atlas(PlatformView(atlas.reader, Platform(goos, goarch)))


def _per_os(atlas: Atlas) -> list[str]:
    """The functions and methods written once per OS (a node with variants)."""
    ids = [i for k in (NodeKind.FUNCTION, NodeKind.METHOD) for i in atlas.reader.ids_with_kind(str(k))]
    return sorted(n.id for n in atlas.reader.get_nodes(ids).values() if n.attrs.get("variants"))


def _variant_targets(atlas: Atlas) -> list[str]:
    return sorted({e.target for e in atlas.reader.edges_from(_per_os(atlas),
                                                             [str(EdgeKind.VARIANT_CALLS)])})


SYNC_POD = "method:k8s.io/kubernetes/pkg/kubelet/kuberuntime.(*kubeGenericRuntimeManager).SyncPod"


def _ids(atlas: Atlas) -> set[str]:
    return set(atlas.reader.get_nodes([SYNC_POD, "role:kubelet", "role:cri",
                                       "pkg:k8s.io/kubernetes/pkg/kubelet",
                                       "pkg:k8s.io/kubernetes/pkg/kubelet/kuberuntime",
                                       "pkg:k8s.io/kubernetes/pkg/kubelet/cri/remote"]))


def _path_pair(atlas: Atlas, kind: NodeKind, edge: EdgeKind) -> tuple[str, str]:
    source = max(atlas.reader.ids_with_kind(str(kind)),
                 key=lambda n: (len(atlas.reader.edges_from([n], [str(edge)])), n))
    reach = {e.target for e in atlas.reader.edges_from([source], [str(edge)])}
    second = {e.target for e in atlas.reader.edges_from(sorted(reach), [str(edge)])} - reach
    return source, sorted(second or reach or {source})[0]


SHAPES = "k8s.io/kubernetes/pkg/controller/callshapes"
SCHEDULER = "k8s.io/kubernetes/pkg/scheduler.(*Scheduler)"
LISTENER = f"method:{SHAPES}.(*listener)"
QUERIES = {
    "deps": lambda a: a.deps(_deep_package(a)),
    "deps_depth3_linux": lambda a: a.deps(_deep_package(a), depth=3, goos="linux",
                                          goarch="amd64"),
    "deps_windows_tests": lambda a: a.deps(_deep_package(a), depth=2, goos="windows",
                                           goarch="amd64", tests=True),
    "deps_no_external": lambda a: a.deps(_deep_package(a), depth=2, external=False),
    "dependents": lambda a: a.deps(_first(a, NodeKind.PACKAGE, EdgeKind.IMPORTS, reverse=True),
                                   reverse=True, depth=3),
    "shortest_path_imports": lambda a: a.shortest_path(
        *_path_pair(a, NodeKind.PACKAGE, EdgeKind.IMPORTS)),
    "shortest_path_calls": lambda a: a.shortest_path(
        *_path_pair(a, NodeKind.METHOD, EdgeKind.CALLS)),
    "shortest_path_none": lambda a: a.shortest_path(
        a.reader.ids_with_kind("Package")[-1], a.reader.ids_with_kind("Package")[0]),
    "implementers": lambda a: a.implementers(_first(a, NodeKind.TYPE, EdgeKind.IMPLEMENTS,
                                                    reverse=True)),
    "interfaces_of": lambda a: a.interfaces_of(_first(a, NodeKind.TYPE, EdgeKind.IMPLEMENTS)),
    "callers": lambda a: a.callers(_first(a, NodeKind.METHOD, EdgeKind.CALLS, reverse=True)),
    "callees": lambda a: a.callees(_first(a, NodeKind.METHOD, EdgeKind.CALLS)),
    "roles": lambda a: a.roles(),
    "role_summary": lambda a: [a.role_summary(r.id) for r in a.roles()],
    "kind_summary": lambda a: [a.kind_summary(k) for k in a.reader.ids_with_kind("ApiKind")],
    "find": lambda a: a.find("Run"),
    "find_short": lambda a: a.find("Po"),
    "find_kinds_limit": lambda a: a.find("e", [NodeKind.TYPE, NodeKind.FUNCTION], limit=7),
    "find_nothing": lambda a: a.find("zzzNoSuchName"),
    "resolve_dir": lambda a: a.resolve(a.node(_deep_package(a)).attrs["dir"]),
    "resolve_import_path": lambda a: a.resolve(a.node(_deep_package(a)).attrs["import_path"]),
    "resolve_directory_only": lambda a: a.resolve("pkg/registry"),  # its packages are deeper
    "ids_under": lambda a: a.reader.ids_under(str(NodeKind.PACKAGE), "dir", "pkg/kubelet/"),
    # a top-level directory is a directory (`cmd` was "matches 3 nodes"), listed by its entries
    "resolve_top_directories": lambda a: [_answer(lambda b, d=d: b.resolve(d), a) for d in (
        "cmd", "pkg", "staging", "staging/src/k8s.io", "plugin")],
    "list_directory": lambda a: [list_directory(a.reader, d)
                                 for d in ("cmd", "staging/src/k8s.io", "pkg/kubelet")],
    "find_role_first": lambda a: a.find("etcd", limit=2),
    # the API objects of a role: its packages' watches and its typed-client writes
    "kinds_used": lambda a: kinds_used(a, a.role_summary("role:kube-scheduler")["packages_by_path"]
                                       + a.role_summary("role:kubelet")["packages_by_path"]),
    # the components that write a kind, through library code they run too (the node Lease)
    "roles_writing": lambda a: [roles_writing(a, k) for k in ("kind:coordination/v1.Lease",
                                                              "kind:core/v1.Pod")],
    # code of another component, reached through the API server (a write and a watch)
    "via_apiserver": lambda a: via_apiserver(a, f"method:{SCHEDULER}.bind",
                                             "method:k8s.io/kubernetes/pkg/kubelet.(*podWorkers).UpdatePod"),
    "resolve_name": lambda a: a.resolve(a.node(_first(a, NodeKind.TYPE)).name,
                                        [NodeKind.TYPE]),
    "node": lambda a: a.node(_first(a, NodeKind.FILE)),
    "neighbours_contains": lambda a: a.neighbours(_first(a, NodeKind.PACKAGE, EdgeKind.CONTAINS),
                                                  (EdgeKind.CONTAINS,)),
    "get_nodes_all": lambda a: a.reader.get_nodes(
        [i for k in NodeKind for i in a.reader.ids_with_kind(str(k))]),
    "stats": lambda a: a.stats(),
    "problems": lambda a: a.problems(),
    # function values (REFERENCES), hop kinds, names as typed, production-first listings
    "shortest_chain_values": lambda a: a.shortest_chain(
        *_path_pair(a, NodeKind.METHOD, EdgeKind.REFERENCES)),
    "callers_of_a_value": lambda a: a.callers(_first(a, NodeKind.METHOD, EdgeKind.REFERENCES,
                                                     reverse=True)),
    "pick_ambiguous": lambda a: [a.pick("Run", [NodeKind.METHOD], n) for n in (1, 2)],
    "implementers_production": lambda a: a.implementers(
        _first(a, NodeKind.TYPE, EdgeKind.IMPLEMENTS, reverse=True), production_only=True),
    "find_production": lambda a: a.find("Fake", production_only=True),
    "pick_per_role": lambda a: [a.pick("Run", [NodeKind.METHOD, NodeKind.FUNCTION], 1, r.id)
                                for r in a.roles()],
    # platform views: a function written per OS follows the body windows (darwin) builds
    "callees_per_os_windows": lambda a: [_on(a, "windows", "amd64").callees(f) for f in _per_os(a)],
    "callees_per_os_darwin": lambda a: [_on(a, "darwin", "arm64").callees(f) for f in _per_os(a)],
    "callers_windows": lambda a: [_on(a, "windows", "amd64").callers(t) for t in _variant_targets(a)],
    "nodes_windows": lambda a: _on(a, "windows", "amd64").reader.get_nodes(_per_os(a)),
    # chains between a role, a package and code (bridged through members), around fakes
    "chain_bridged": lambda a: [a.shortest_chain(s, t) for s, t in (
        ("role:kubelet", "pkg:k8s.io/kubernetes/pkg/kubelet/cri/remote"),
        ("pkg:k8s.io/kubernetes/pkg/kubelet", "role:cri"),
        (SYNC_POD, "role:cri"),
        (SYNC_POD, "pkg:k8s.io/kubernetes/pkg/kubelet/cri/remote"),
        ("pkg:k8s.io/kubernetes/pkg/kubelet/kuberuntime", SYNC_POD))
        if s in _ids(a) and t in _ids(a)],
    "chains_bridged_alternatives": lambda a: find_chains(
        a, SYNC_POD, "pkg:k8s.io/kubernetes/pkg/kubelet/cri/remote", alternatives=2).found
        if SYNC_POD in _ids(a) else None,
    "chain_windows": lambda a: [_on(a, "windows", "amd64").shortest_chain(
        SYNC_POD, t) for t in _variant_targets(a)],
    # hand-offs through a channel field and a work queue: followed by chains and listings
    "chain_hand_offs": lambda a: a.shortest_chain(f"{LISTENER}.add", f"{LISTENER}.run")
        if f"{LISTENER}.add" in a.reader.get_nodes([f"{LISTENER}.add"]) else None,
    "callers_hand_off": lambda a: a.callers(_first(a, NodeKind.METHOD, EdgeKind.HANDS_OFF,
                                                   reverse=True)),
    "callees_hand_off": lambda a: a.callees(_first(a, NodeKind.METHOD, EdgeKind.HANDS_OFF)),
    # through a getter behind an interface and a parameter handed on (routes.go): the hop
    # names its route; through one channel held by two fields, the taker's field too
    "chain_routed_hand_offs": lambda a: [
        find_chain(a.reader, f"method:{SHAPES}.{s}", f"method:{SHAPES}.(*agent).iteration",
                   [str(EdgeKind.HANDS_OFF)])
        for s in ("(*genericGenerator).relist", "(*podStore).merge")]
        if f"method:{SHAPES}.(*podStore).merge" in a.reader.get_nodes(
            [f"method:{SHAPES}.(*podStore).merge"]) else None,
    "callers_routed": lambda a: a.callers(f"method:{SHAPES}.(*agent).iteration")
        if f"method:{SHAPES}.(*agent).iteration" in a.reader.get_nodes(
            [f"method:{SHAPES}.(*agent).iteration"]) else None,
    # a producer and a consumer that pulls meet where the hand-off lands (a condition variable)
    "meeting_of_producer_and_consumer": lambda a: meeting(a.reader, f"func:{SHAPES}.produce",
                                                          f"func:{SHAPES}.consume")
        if f"func:{SHAPES}.produce" in a.reader.get_nodes([f"func:{SHAPES}.produce"]) else None,
}


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("tree", TREES)
def test_both_stores_answer_the_same(stores, tree, query):
    sqlite_atlas, neo4j_atlas = stores[tree]
    expected = _answer(QUERIES[query], sqlite_atlas)
    assert _answer(QUERIES[query], neo4j_atlas) == expected
    if query in ("deps", "implementers", "callers", "roles", "find", "stats",
                 "get_nodes_all") or (tree == "ktree" and query in (
                     "shortest_chain_values", "callers_of_a_value", "pick_ambiguous",
                     "pick_per_role", "callees_per_os_windows", "callers_windows", "nodes_windows",
                     "chain_windows", "chain_bridged", "chains_bridged_alternatives",
                     "chain_hand_offs", "callers_hand_off", "callees_hand_off",
                     "meeting_of_producer_and_consumer", "ids_under", "kinds_used",
                     "via_apiserver", "roles_writing", "list_directory", "find_role_first")):
        assert expected not in ([], {}, None), f"{query} on {tree} should find something"
    if tree == "ktree" and query == "chain_bridged":  # every pair asked has a chain there
        assert len(expected) == 5 and None not in expected, expected


def _answer(query, atlas):
    try:
        return query(atlas)
    except Exception as exc:  # both stores must fail the same way, too
        return (type(exc).__name__, str(exc))


def test_find_production_fills_its_limit_from_both_stores(stores):
    """`find(production_only=True)` leaves test code out before the limit, not after it: two
    production matches asked, two given while more exist (before: only those among the
    store's first two matches); without it, production code first holds across the limit."""
    for atlas in stores["ktree"]:
        everything = atlas.reader.search("Test", (), 10_000)
        production = [n for n in everything if is_production(n.attrs)]
        assert sum(is_production(n.attrs) for n in everything[:2]) < 2 < len(production)
        assert atlas.find("Test", limit=2, production_only=True) == production[:2]
        # and without production_only, production code comes first across the limit too
        assert atlas.find("Test", limit=2) == production[:2]
        others = [n for n in everything if not is_production(n.attrs)]
        assert atlas.find("Test", limit=len(production) + 1) == production + others[:1]


def test_search_puts_a_name_typed_in_another_case_before_longer_names(stores):
    """`node` (as a learner types it) finds the nodes named Node first, then names starting
    with it (before: mini:nodestatus, a shorter id, came first)."""
    for atlas in stores["ktree"]:
        everything = atlas.reader.search("node", (), 1000)
        named = [n for n in everything if n.name.lower() == "node"]
        assert named and everything[:len(named)] == named
        assert len(everything) > len(named)
        assert atlas.find("node", limit=1)[0].name.lower() == "node"


def test_every_edge_kind_reads_back_identically(stores):
    for sqlite_atlas, neo4j_atlas in stores.values():
        ids = [i for k in NodeKind for i in sqlite_atlas.reader.ids_with_kind(str(k))]
        for kind in EdgeKind:
            key = lambda e: (e.source, e.target, e.kind)  # noqa: E731
            expected = sorted(sqlite_atlas.reader.edges_from(ids, [str(kind)]), key=key)
            assert sorted(neo4j_atlas.reader.edges_from(ids, [str(kind)]), key=key) == expected
            assert sorted(neo4j_atlas.reader.edges_to(ids, [str(kind)]), key=key) == sorted(
                sqlite_atlas.reader.edges_to(ids, [str(kind)]), key=key)


def test_the_fixture_tree_is_not_trivial(stores):
    counts = stores["ktree"][0].stats()["counts"]
    assert counts.get("Package", 0) > 5 and counts.get("IMPORTS", 0) > 5
