"""The explorer's questions and pages on the small notes tree: ranked search, the type/function
page (source only inside the checkout), the live graph's subgraph and exports, chains with hop
kinds, and bad input (control characters, unknown names, long text) answered with a message."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import sqlite3
from pathlib import Path
from xml.etree import ElementTree

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest
from test_notes import build_index

from kubeatlas.graph.query.atlas import Atlas, NodeRecord
from kubeatlas.graph.query.chains import find_chains
from kubeatlas.graph.query.code import code_card, method_set
from kubeatlas.graph.query.neighbourhood import neighbour_order, neighbourhood
from kubeatlas.graph.query.search import Hit, rank_key, ranked_search, tier_of
from kubeatlas.graph.query.source_text import read_lines, read_mini_module
from kubeatlas.graph.store.sqlite.reader import SqliteReader

MAIN = Path(__file__).resolve().parents[1] / "app" / "web" / "main.py"
K = "k8s.io/kubernetes"


@pytest.fixture(scope="module")
def web_db(tmp_path_factory) -> Path:
    return build_index(tmp_path_factory.mktemp("explorer") / "kubernetes")


@pytest.fixture(scope="module")
def atlas(web_db) -> Atlas:
    return Atlas(SqliteReader(web_db))


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.title] + \
            [c.value for c in at.caption] + [e.value for e in at.error] + \
            [w.value for w in at.warning] + [s.value for s in at.subheader]
    return "\n".join(str(p) for p in parts)


def _source_blocks(at: AppTest) -> list[str]:
    """The code blocks drawn by source_view, as text (tags and line numbers dropped)."""
    blocks = [h.value for h in at.get("html") if 'class="kubeatlas-source"' in h.value]
    return [html.unescape(re.sub(r"<[^>]+>", "", re.sub(
        r'<span class="linenos">[^<]*</span>', "", b.split("</style>", 1)[1]))).strip()
        for b in blocks]


def _links(at: AppTest) -> list[tuple[str, str]]:
    return [(p.proto.label, p.proto.page) for p in at.get("page_link")]


# --- search ------------------------------------------------------------------------
def test_search_ranks_exact_names_first_and_answers_short_text(atlas):
    hits = ranked_search(atlas.reader, "SyncPod", 10)
    assert hits and all(h.node.name == "SyncPod" for h in hits[:3])
    assert hits[0].match == "exact"
    assert f"method:{K}/pkg/kubelet.(*Kubelet).SyncPod" in [h.id for h in hits]
    short = ranked_search(atlas.reader, "sy", 20)  # under the trigram index: name prefixes
    assert {h.node.name for h in short} >= {"SyncPod", "syncLoop"}
    assert all(h.node.name.lower().startswith("sy") for h in short)
    assert ranked_search(atlas.reader, "s", 20) == []


@pytest.mark.parametrize("attrs, tier", [
    ({"file": "pkg/x/x.go", "package": f"{K}/pkg/x"}, "production"),
    ({"file": "pkg/x/x_test.go", "is_test": True, "package": f"{K}/pkg/x"}, "test"),
    ({"file": "pkg/x/fake/f.go", "package": f"{K}/pkg/x/fake"}, "test"),
    ({"file": "pkg/x/zz_generated.deepcopy.go", "package": f"{K}/pkg/x"}, "generated"),
    ({"file": "pkg/x/x.go", "generated": True}, "generated"),
    ({"file": "pkg/x/x.go", "test_helper": True}, "test"),
])
def test_tiers_put_tests_fakes_and_generated_code_behind_production(attrs, tier):
    node = NodeRecord("func:x.F", "Function", "F", attrs)
    assert tier_of(node) == tier
    production = Hit(NodeRecord("func:y.F", "Function", "F", {"file": "y.go", "line": 1,
                                                                 "end_line": 2}),
                     "exact", "production")
    ranked = sorted([Hit(node, "exact", tier), production], key=lambda h: rank_key(h, "F"))
    assert ranked[0] is production or tier == "production"


def test_search_page_and_sidebar_box_link_hits_to_their_pages(open_page):
    at = open_page("views/search.py", q="SyncPod")
    labels = [label for label, page in _links(at) if page == "code"]
    assert labels and labels[0].startswith("kubelet.(*Kubelet).SyncPod")
    at.sidebar.text_input(key="search-box").input("syncLoop").run()
    assert any(label.startswith("kubelet.(*Kubelet).syncLoop") for label, _ in _links(at))


def test_a_new_search_on_the_search_page_shows_its_own_hits(open_page):
    # "all results …" in the sidebar, clicked on the Search page itself: the URL says SyncPod,
    # the page's own box still held syncLoop and brought it back
    at = open_page("views/search.py", q="syncLoop")
    assert any(label.startswith("kubelet.(*Kubelet).syncLoop") for label, _ in _links(at))
    at.query_params["q"] = "SyncPod"
    at.run()
    assert at.query_params["q"] == "SyncPod" and at.text_input(key="search-page").value == "SyncPod"
    labels = [label for label, page in _links(at) if page == "code"]
    assert labels[0].startswith("kubelet.(*Kubelet).SyncPod"), labels


def test_a_chinese_term_with_no_hits_leads_to_its_english_name(open_page):
    from kubeatlas.graph.notes.glossary import load_glossary

    english = "scheduler"
    chinese = load_glossary().terms[english]  # 调度器, as the Chinese notes write it
    at = open_page("views/search.py", q=chinese)
    assert f"Nothing named like '{chinese}'" in at.warning[0].value
    links = [(p.proto.label, p.proto.query_string) for p in at.get("page_link")]
    assert (f"{chinese} = {english}: search for '{english}'", f"q={english}") in links
    at.sidebar.text_input(key="search-box").input(chinese).run()  # and so does the sidebar box
    assert f"{chinese} = {english}: search for '{english}'" in [label for label, _ in _links(at)]


def test_a_chinese_name_leads_to_the_component_and_never_to_an_empty_search(open_page):
    """调度器 leads to the kube-scheduler's page as well as to a search for 'scheduler'; a role's
    Chinese name (设备插件) to its page; and a term no name in the code holds (主循环 = main loop)
    is translated, not offered as a search that finds nothing (it was: a dead end)."""
    from kubeatlas.graph.notes.glossary import load_glossary

    terms = load_glossary().terms
    at = open_page("views/search.py", q=terms["scheduler"], lang="zh")
    links = [(p.proto.label, p.proto.query_string) for p in at.get("page_link")]
    assert ("组件：kube-scheduler", "role=kube-scheduler&lang=zh") in links, links
    assert (f"{terms['scheduler']} = scheduler：搜索 'scheduler'", "q=scheduler&lang=zh") in links
    at = open_page("views/search.py", q="设备插件", lang="zh")
    assert ("组件：设备插件", "role=device-plugin&lang=zh") in \
        [(p.proto.label, p.proto.query_string) for p in at.get("page_link")]
    at = open_page("views/search.py", q="容器运行时接口", lang="zh")
    roles = [p.proto.query_string for p in at.get("page_link") if "role=" in p.proto.query_string]
    assert roles == ["role=cri&lang=zh"], roles  # not CNI and CSI, which hold 接口 too
    at = open_page("views/search.py", q=terms["main loop"], lang="zh")
    assert not [p for p in at.get("page_link") if "q=main" in p.proto.query_string]
    assert f"{terms['main loop']} = main loop（代码中没有含这个词的名称）" in [c.value for c in at.caption]
    at.sidebar.text_input(key="search-box").input(terms["main loop"]).run()  # the sidebar too
    assert not [p for p in at.get("page_link") if "q=main" in p.proto.query_string]


def test_a_name_waiting_for_a_pick_is_not_asked_for_again(open_page):
    at = open_page("views/code.py", id="SyncLoo")  # no exact name: the nearest are offered
    box = at.selectbox[0]
    assert box.label.startswith("no exact match for 'SyncLoo'") and box.options
    assert not at.info  # no "Type a name" under the candidates
    at = open_page("views/code.py")
    assert at.info[0].value.startswith("Type a name")


# --- type and function pages ---------------------------------------------------------
def test_function_page_shows_signature_source_callers_and_callees(open_page):
    at = open_page("views/code.py", id="syncLoop")
    assert at.title[0].value == "kubelet.(*Kubelet).syncLoop"
    code = _source_blocks(at)  # highlighted on the server: HTML elements
    assert code[0] == "func (kl *Kubelet) syncLoop()"
    assert any("kl.HandlePodAdditions(\"pod\")" in c for c in code)
    raw = next(h.value for h in at.get("html") if "HandlePodAdditions" in h.value)
    first = re.search(r"kubelet\.go lines (\d+)", _text(at)).group(1)
    assert f'<span class="linenos">{first}</span>' in raw  # numbered from the declaration
    text = _text(at)
    assert "pkg/kubelet/kubelet.go:" in text and "/blob/" in text  # GitHub at the commit
    tabs = [t.label for t in at.tabs]
    assert "Callees (1)" in tabs
    at = open_page("views/code.py", id="HandlePodAdditions")
    tabs = [t.label for t in at.tabs]
    assert "Callers (1)" in tabs and "Callees (1)" in tabs


def test_type_page_lists_embedded_methods_with_their_origin(atlas, open_page):
    members = method_set(atlas, "type:k8s.io/cri-api/pkg/apis.RuntimeService")
    assert [(m.name, m.origin, m.depth) for m in members] == [
        ("RunPodSandbox", "type:k8s.io/cri-api/pkg/apis.PodSandboxManager", 1)]
    at = open_page("views/code.py", id="type:k8s.io/cri-api/pkg/apis.RuntimeService")
    assert "Methods (1)" in [t.label for t in at.tabs]
    at = open_page("views/interfaces.py", type="k8s.io/cri-api/pkg/apis.RuntimeService")
    assert "RunPodSandbox" in _text(at) and "0 declared here, 1 embedded" in _text(at)


def test_interface_call_reaches_callers_of_the_implementation(atlas):
    card = code_card(atlas, f"method:{K}/pkg/kubelet/cri/remote.(*remoteRuntimeService)"
                            ".RunPodSandbox")
    assert f"method:{K}/pkg/kubelet/kuberuntime.(*kubeGenericRuntimeManager).createPodSandbox" \
        in [e.source for e in card.callers]


def test_source_is_read_only_inside_the_checkout(web_db, tmp_path):
    root = web_db.parent / "kubernetes"
    assert read_lines(root, "pkg/kubelet/kubelet.go", 1, 1).text.startswith("package kubelet")
    outside = tmp_path / "secret.go"
    outside.write_text("package secret\n")
    (root / "pkg" / "link.go").symlink_to(outside)
    try:
        for path in ("../notes.sqlite", str(outside), "pkg/../../notes.sqlite", "pkg/link.go",
                     "pkg/\x00.go"):
            found = read_lines(root, path, 1)
            assert found.text == "" and "refused" in found.problem, path
    finally:
        (root / "pkg" / "link.go").unlink()
    assert "gone" in read_lines(tmp_path / "nope", "pkg/kubelet/kubelet.go", 1).problem
    assert "refused" in read_mini_module("minik8s/../../pyproject.py").problem
    assert read_mini_module("minik8s/scheduler/scheduler.py").text.startswith('"""')


def test_function_page_without_the_checkout_says_so_and_keeps_the_link(web_db, tmp_path,
                                                                       open_page):
    copy = tmp_path / "moved.sqlite"
    shutil.copy(web_db, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'root'",
                     (json.dumps(str(tmp_path / "gone")),))
    at = open_page("views/code.py", db=copy, id="syncLoop")
    assert any("checkout is gone" in w.value for w in at.warning)
    assert "/blob/" in _text(at)


def test_minik8s_component_page_shows_module_source_and_the_code_it_mirrors(open_page, atlas):
    minis = atlas.reader.ids_with_kind("MiniComponent")
    if not minis:
        pytest.skip("the notes tree links no minik8s component")
    at = open_page("views/code.py", id=minis[0])
    assert at.title[0].value.startswith("minik8s: ")
    assert any(c.language == "python" for c in at.code)


# --- live graph, chains ----------------------------------------------------------------
def test_neighbourhood_caps_counts_the_rest_and_puts_in_tree_first(atlas):
    pid = f"pkg:{K}/pkg/kubelet"
    full = neighbourhood(atlas, [pid], ["imports"], cap=100)
    capped = neighbourhood(atlas, [pid], ["imports"], cap=1)
    assert len(capped.nodes) == 2 and capped.more[pid] == len(full.nodes) - 2
    assert capped.nodes[1].id == sorted(n.id for n in full.nodes if n.id != pid)[0]
    # under the ceiling on nodes drawn, a neighbour already drawn takes no room
    runtime = f"pkg:{K}/pkg/kubelet/kuberuntime"
    alone = neighbourhood(atlas, [runtime], ["imports"], cap=100)
    both = neighbourhood(atlas, [pid, runtime], ["imports"], cap=100,
                         max_nodes=len(full.nodes))  # no room for one more node
    new = {n.id for n in alone.nodes} - {n.id for n in full.nodes}
    assert new and len(alone.nodes) - 1 > len(new)  # it has neighbours drawn and not drawn
    assert len(both.nodes) == len(full.nodes) and both.more[runtime] == len(new)
    std = NodeRecord("ext:bytes", "ExternalPackage", "bytes", {"std": True})
    vendored = NodeRecord("ext:github.com/x/y", "ExternalPackage", "y", {"std": False})
    tested = NodeRecord(f"pkg:{K}/pkg/x/testing", "Package", "testing",
                        {"import_path": f"{K}/pkg/x/testing"})
    code = NodeRecord(f"pkg:{K}/pkg/z", "Package", "z", {"import_path": f"{K}/pkg/z"})
    role = NodeRecord("role:kubelet", "Role", "kubelet", {})
    shuffled = [std, vendored, tested, code, role]
    assert sorted(shuffled, key=lambda n: neighbour_order(n, n.id)) == \
        [role, code, tested, vendored, std]


def test_a_large_graph_gets_a_new_component_for_each_change_a_small_one_keeps_its_own():
    from kubeatlas.app.web.live_graph import INCREMENTAL_LAYOUT, _view_key
    from kubeatlas.graph.query.neighbourhood import Subgraph

    def sub(n: int) -> Subgraph:
        return Subgraph(tuple(NodeRecord(f"pkg:p{i}", "Package", f"p{i}", {}) for i in range(n)),
                        (), {}, ("pkg:p0",))

    small, large = sub(INCREMENTAL_LAYOUT), sub(INCREMENTAL_LAYOUT + 1)
    # small: one component, which lays an expansion out around the expanded node
    assert _view_key("g", small, (("a",), 25)) == _view_key("g", small, (("a", "b"), 25))
    # large: that layout takes seconds to minutes, so each change is a component drawn afresh
    assert _view_key("g", large, (("a",), 25)) != _view_key("g", large, (("a", "b"), 25))
    assert _view_key("g", large, (("a",), 25)) == _view_key("g", large, (("a",), 25))


def test_exports_hold_what_is_drawn(atlas):
    from kubeatlas.app.web import graph_export
    sub = neighbourhood(atlas, [f"pkg:{K}/pkg/kubelet"], ["imports"], cap=5)
    data = json.loads(graph_export.to_json(sub))
    assert {n["id"] for n in data["nodes"]} == {n.id for n in sub.nodes}
    graphml = ElementTree.fromstring(graph_export.to_graphml(sub))
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    assert len(graphml.findall(f".//{ns}node")) == len(sub.nodes)
    assert len(graphml.findall(f".//{ns}edge")) == len(sub.edges)
    svg = ElementTree.fromstring(graph_export.to_svg(sub))
    assert len(svg.findall("{http://www.w3.org/2000/svg}circle")) == len(sub.nodes)
    assert graph_export.to_png(sub).startswith(b"\x89PNG")


def test_chains_name_each_hop_and_offer_alternatives(atlas):
    chains = find_chains(atlas, f"method:{K}/pkg/kubelet.(*Kubelet).syncLoop",
                         f"method:{K}/pkg/kubelet/cri/remote.(*remoteRuntimeService)"
                         ".RunPodSandbox")
    best = chains.found[0]
    assert best[0].source.endswith("syncLoop") and best[-1].target.endswith("RunPodSandbox")
    assert best[-1].how == "dispatch to an implementation"
    pkgs = find_chains(atlas, f"pkg:{K}/cmd/kubelet", f"pkg:{K}/pkg/kubelet/kuberuntime")
    assert all(h.how == "import" for c in pkgs.found for h in c)
    assert [len(c) for c in pkgs.found] == sorted(len(c) for c in pkgs.found)


def test_paths_page_takes_short_names_and_draws_hop_kinds(open_page):
    at = open_page("views/deps.py", **{"from": "syncLoop", "to": "SyncPod"})
    # three methods are named SyncPod: ranked candidates are offered, production first
    choice = next(s for s in at.selectbox if "pick one" in s.label)
    assert choice.value is None and len(choice.options) == 3
    at = open_page("views/deps.py", **{"from": "syncLoo", "to": "SyncPod"})
    assert any("did you mean" in s.label for s in at.selectbox)
    at = open_page("views/deps.py", **{"from": "syncLoop",
                                       "to": "remote.(*remoteRuntimeService).RunPodSandbox"})
    text = _text(at)
    assert "hops" in text
    assert any("dispatch to an implementation" in label for label, _ in _links(at))


def test_paths_page_draws_a_chain_between_a_package_and_a_role(open_page):
    at = open_page("views/deps.py", **{"from": f"pkg:{K}/pkg/kubelet", "to": "role:cri"})
    labels = [label for label, _ in _links(at)]
    assert any("is in" in label and "cri" in label for label in labels), labels
    assert any("import" in label for label in labels), labels


@pytest.mark.parametrize("role, first_two", [
    ("kubelet", ["kubelet.Run  (func)"]),
    # then, as the CLI ranks them, the most called (main calls both of these)
    ("kube-scheduler", ["scheduler.(*Scheduler).Run  (method)", "app.Run  (func)"]),
    ("kube-controller-manager", ["app.(*Command).Run  (method)", "app.Run  (func)"]),
])
def test_a_page_opened_from_a_role_ranks_that_roles_code_first(open_page, role, first_two):
    """`Run` is declared in three roles: the role a page is opened for (`role=`, the links of
    the role page) puts its own candidates first, as `--role` does in the CLI, and in the
    CLI's order."""
    at = open_page("views/code.py", id="Run", role=role)
    choice = next(s for s in at.selectbox if "pick one" in s.label)
    assert f"{role}'s code first" in choice.label
    assert choice.options[:len(first_two)] == first_two
    role_page = open_page("views/role.py", role=role)
    assert {page for label, page in _links(role_page) if label.endswith(" first")} == {
        "code", "deps"}


# --- bad input -------------------------------------------------------------------------
@pytest.mark.parametrize("page, param", [
    ("views/package.py", "pkg"), ("views/interfaces.py", "type"), ("views/deps.py", "pkg"),
    ("views/code.py", "id"), ("views/search.py", "q"), ("views/role.py", "role"),
    ("views/kinds.py", "kind"), ("views/notes.py", "subject"),
])
def test_control_characters_and_long_input_are_refused_with_a_short_message(open_page, page,
                                                                             param):
    at = open_page(page, **{param: "abc\x00def"})
    errors = [e.value for e in at.error]
    assert any("control characters" in e for e in errors), errors
    at = open_page(page, **{param: "Pod\u202eevil"})  # a right-to-left override
    errors = [e.value for e in at.error]
    assert any("control characters" in e and "\\u202e" in e for e in errors), errors
    at = open_page(page, **{param: "x" * 5000})
    errors = [e.value for e in at.error]
    assert any("too long" in e for e in errors), errors
    assert all(len(e) < 300 for e in errors)
    assert "/" + str(MAIN.parents[2]).strip("/") not in _text(at)  # no server path
    assert str(Path("/tmp")) + "/" not in " ".join(c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("page, param, value, what", [
    ("views/role.py", "role", "no-such-role", "no role"),
    ("views/kinds.py", "kind", "NoSuchKind", "no API kind"),
    ("views/notes.py", "subject", "no-such-note", "no note subject"),
    ("views/code.py", "id", "func:k8s.io/nowhere.Nothing", "nothing named"),
])
def test_unknown_names_say_so_and_never_show_another_item(open_page, page, param, value, what):
    at = open_page(page, **{param: value})
    assert any(what in e.value for e in at.error), [e.value for e in at.error]
    assert not at.header and (not at.title or at.title[0].value in (
        "Type or function", "API kinds", "Study notes"))


@pytest.mark.parametrize("page, param, shown", [
    ("views/role.py", "role", "kubelet"), ("views/kinds.py", "kind", "Deployment"),
    ("views/notes.py", "subject", "Creating a Deployment"), ("views/notes.py", "lang", "kubelet"),
])
def test_an_empty_url_parameter_is_the_page_default_not_an_unknown_name(open_page, page, param,
                                                                        shown):
    params = {param: " "} | ({"subject": "kubelet"} if param == "lang" else {})
    at = open_page(page, **params)
    assert not at.error and not at.warning, [e.value for e in (*at.error, *at.warning)]
    assert shown in _text(at)


# --- several indexes: the tree selector and the compare page ------------------------------
def test_two_indexes_get_a_tree_selector_and_a_compare_page(web_db, tmp_path, monkeypatch):
    newer = tmp_path / "newer.sqlite"
    shutil.copy(web_db, newer)
    gone = f"pkg:{K}/pkg/kubelet/kuberuntime"
    with sqlite3.connect(newer) as conn:
        conn.execute("DELETE FROM nodes WHERE id = ?", (gone,))
        conn.execute("UPDATE meta SET value = ? WHERE key = 'k8s_version'", (json.dumps("v1.29.0"),))
    monkeypatch.setenv("KUBEATLAS_DB", str(web_db))
    monkeypatch.setenv("KUBEATLAS_WEB_DBS", f"{web_db}:{newer}")
    at = AppTest.from_file(str(MAIN), default_timeout=30)
    at.run()
    tree = at.sidebar.selectbox(key="source")
    assert tree.options == [web_db.name, newer.name]
    tree.select(str(newer)).run()
    assert "v1.29.0" in at.sidebar.caption[0].value
    at.switch_page("views/compare.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.header[0].value.endswith("→ v1.29.0")
    assert "Packages: 0 added, 1 removed" in [s.value for s in at.subheader]
    assert any(gone.removeprefix("pkg:") in list(frame.value.get("id", [])) for frame in at.dataframe)


def test_each_session_reads_each_index_through_its_own_connection(web_db, tmp_path, monkeypatch):
    """Issue 11's rule with several indexes too: two sessions never share a connection (one
    shared by sessions serialised them and deadlocked the server); a session's reruns reuse
    its own, and a rebuilt index is opened afresh and the old connection closed."""
    from kubeatlas.graph.store.sqlite import reader as sqlite_reader

    newer = tmp_path / "newer.sqlite"
    shutil.copy(web_db, newer)
    opened: list[SqliteReader] = []

    class Recorded(SqliteReader):
        def __init__(self, path: Path) -> None:
            super().__init__(path)
            opened.append(self)

    monkeypatch.setattr(sqlite_reader, "SqliteReader", Recorded)
    monkeypatch.setenv("KUBEATLAS_DB", str(web_db))
    monkeypatch.setenv("KUBEATLAS_WEB_DBS", f"{web_db}:{newer}")
    sessions = [AppTest.from_file(str(MAIN), default_timeout=30) for _ in range(2)]
    for at in sessions:
        at.switch_page("views/compare.py")  # reads both indexes
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    assert sorted(r.path.name for r in opened) == sorted([web_db.name, newer.name] * 2)
    sessions[0].run()
    assert len(opened) == 4
    first_newer = next(r for r in opened if r.path == newer)
    stat = newer.stat()
    os.utime(newer, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # the index is rebuilt
    sessions[0].run()
    assert [r.path for r in opened[4:]] == [newer]
    with pytest.raises(sqlite3.ProgrammingError):  # the session's old connection is closed
        first_newer._conn.execute("SELECT 1")


# --- the mini cluster page ------------------------------------------------------------------
def test_mini_cluster_page_starts_mini_up_and_shows_its_objects_live(open_page):
    at = open_page("views/mini.py")
    assert any("No mini cluster is running" in i.value for i in at.info)
    at.button[0].click().run(timeout=90)
    try:
        assert not at.exception, [e.value for e in at.exception]
        assert "Nodes (2)" in [s.value for s in at.subheader]
        url = next(m.value for m in at.markdown if m.value.startswith("apiserver"))
        assert "127.0.0.1" in url
        labels = [label for label, _ in _links(at)]
        assert "minik8s scheduler" in labels and "minik8s deployment-controller" in labels
    finally:
        stop = next(b for b in at.button if b.label == "Stop the cluster")
        stop.click().run(timeout=60)
    assert any("No mini cluster is running" in i.value for i in at.info)
