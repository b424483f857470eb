"""One render test per page of the Streamlit app (streamlit.testing AppTest) against an index
of the small notes tree, plus the error pages for a missing or corrupt index."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest
from test_notes import build_index

MAIN = Path(__file__).resolve().parents[1] / "app" / "web" / "main.py"


@pytest.fixture(scope="module")
def web_db(tmp_path_factory) -> Path:
    return build_index(tmp_path_factory.mktemp("web") / "kubernetes")


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.title] + \
            [h.value for h in at.header] + [s.value for s in at.subheader] + \
            [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def _links(at: AppTest) -> list[tuple[str, str]]:
    return [(p.proto.label, p.proto.page) for p in at.get("page_link")]


def _frame(at: AppTest, column: str):
    """The first table on the page with this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _commit(at: AppTest) -> str:
    return next(m.value for m in at.sidebar.caption).split("tree/")[1].split(")")[0]


@pytest.fixture
def browser_graphviz(monkeypatch):
    """Without Graphviz's `dot` on the server: the DOT is sent to st.graphviz_chart."""
    from kubeatlas.app.web import svg_chart

    monkeypatch.setattr(svg_chart, "dot_binary", lambda: None)


def test_architecture_map_draws_roles_by_plane_and_links_each(open_page, browser_graphviz):
    at = open_page()
    assert at.title[0].value == "Architecture map"
    dot = at.get("graphviz_chart")[0].proto.spec
    assert "subgraph cluster_control" in dot and "cluster_interface" in dot
    assert '"role:kubelet" -> "role:cri"' in dot  # TALKS_TO with its protocol
    wires = {line.split(" [")[0].strip(): line for line in dot.splitlines() if " -> " in line}
    assert 'color="#1a73e8"' in wires['"role:kubelet" -> "role:cri"']
    # a wire of a role this release does not have (dockershim) is drawn as one, and says so
    gone = wires['"role:dockershim" -> "role:cri"']
    assert "style=dashed" in gone and "(not in this release)" in gone and "#1a73e8" not in gone
    assert 'tooltip="serves CRI inside the kubelet' in gone  # the whole protocol on hover
    assert 'URL="role?role=kubelet"' in dot
    labels = [label for label, _ in _links(at)]
    assert "kubelet" in labels and "dockershim (not in this release)" in labels


def test_the_chinese_map_says_its_hidden_edges_in_words_of_its_own_toggles(open_page):
    """The Chinese map said "… 条导入较少的 DEPENDS_ON 边已隐藏": the schema's name, where its
    options call the edges 依赖."""
    at = open_page(lang="zh")
    hidden = [c.value for c in at.caption if "未画出" in c.value or "隐藏" in c.value]
    assert hidden and all("DEPENDS_ON" not in c and "“依赖”边" in c for c in hidden), hidden


def test_with_dot_installed_the_map_is_an_svg_drawn_on_the_server(open_page):
    from kubeatlas.app.web import svg_chart

    if svg_chart.dot_binary() is None:
        pytest.skip("Graphviz's dot is not installed (the map is then drawn by the browser)")
    at = open_page()
    assert not at.get("graphviz_chart")  # no Graphviz script or layout in the browser
    svg = next(m.value for m in at.markdown if svg_chart.CLASS in m.value)
    assert svg.count("<svg") == 1 and "\n" not in svg and 'width="100%"' in svg
    assert 'xlink:href="role?role=kubelet"' in svg and ">kubelet</text>" in svg
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg


def test_a_dot_that_fails_or_is_missing_leaves_the_drawing_to_the_browser(tmp_path):
    from kubeatlas.app.web import svg_chart

    failing = tmp_path / "dot"
    failing.write_text("#!/bin/sh\nexit 3\n")
    failing.chmod(0o755)
    assert svg_chart.render("digraph { a -> b }", str(failing)) is None
    assert svg_chart.render("digraph { a -> b }", str(tmp_path / "absent")) is None


def test_map_options_open_on_request_and_keep_their_values_when_closed(open_page,
                                                                      browser_graphviz):
    at = open_page()
    assert not at.toggle  # closed: the map is drawn with the defaults, without the widgets
    at.session_state["map-options"] = True
    at.run()
    talks = next(t for t in at.toggle if t.label == "talks to")
    talks.set_value(False).run()
    assert '"role:kubelet" -> "role:cri"' not in at.get("graphviz_chart")[0].proto.spec
    at.session_state["map-options"] = False
    at.run()
    assert not at.toggle and not at.exception
    assert '"role:kubelet" -> "role:cri"' not in at.get("graphviz_chart")[0].proto.spec


def test_role_page_shows_card_entry_point_packages_interfaces_and_neighbours(open_page):
    at = open_page("views/role.py", role="kubelet")
    text = _text(at)
    assert at.title[0].value == "kubelet"
    assert "The node agent" in text and "节点代理" in text
    commit = _commit(at)
    assert f"[cmd/kubelet/kubelet.go:5](https://github.com/kubernetes/kubernetes/blob/{commit}/" \
           "cmd/kubelet/kubelet.go#L5)" in text
    assert "Core packages (8)" in text  # the fixture tree's pkg/kubelet/... and cmd/kubelet packages
    links = _links(at)
    assert any(label.startswith("k8s.io/kubernetes/pkg/kubelet/kuberuntime") for label, _ in links)
    assert any(label.startswith("Container Runtime Interface (CRI)") for label, _ in links)
    assert "k8s.io/kubernetes/pkg/kubelet/kuberuntime.kubeGenericRuntimeManager" in text


def test_role_page_shows_the_main_loop_and_where_to_start_reading(open_page, web_db):
    from kubeatlas.graph.notes.role import role_note
    from kubeatlas.graph.query.atlas import Atlas
    from kubeatlas.graph.store.sqlite.reader import SqliteReader

    at = open_page("views/role.py", role="kubelet")
    subheaders = [s.value for s in at.subheader]
    assert subheaders.index("Main loop") < subheaders.index("Where to start reading") \
        < subheaders.index(next(s for s in subheaders if s.startswith("Core packages")))
    labels = [label for label, _ in _links(at)]
    assert "kubelet.(*Kubelet).syncLoop" in labels  # a step of the loop, linked to its code
    # the same breakpoints as the study note's "Where to start reading", in the same order
    note = role_note(Atlas(SqliteReader(web_db)), "role:kubelet").markdown
    reading = note.split("## Where to start reading", 1)[1].split("\n## ", 1)[0]
    expected = [line.split("`break ", 1)[1].split("`", 1)[0] for line in reading.splitlines()
                if "`break " in line]
    shown = [m.value.split("`break ", 1)[1].split("`", 1)[0] for m in at.markdown
             if str(m.value).startswith("`break ")]
    assert expected and shown == expected
    commit = _commit(at)
    assert f"https://github.com/kubernetes/kubernetes/blob/{commit}/" \
           f"{expected[0].replace(':', '#L')})" in _text(at)
    steps = [label for label in labels if label[:1].isdigit() and ". " in label]
    assert len(steps) == len(expected) and steps[0].startswith("1. ")


def test_role_page_without_a_walkthrough_says_so(open_page):
    at = open_page("views/role.py", role="dev-tools")
    assert "Main loop" not in [s.value for s in at.subheader]
    assert any("walks through no code of development tools" in c.value for c in at.caption)


@pytest.mark.parametrize("server_dot", [True, False])
def test_role_neighbours_picture_is_drawn_when_opened(open_page, monkeypatch, server_dot):
    from kubeatlas.app.web import svg_chart

    if server_dot and svg_chart.dot_binary() is None:
        pytest.skip("Graphviz's dot is not installed")
    if not server_dot:
        monkeypatch.setattr(svg_chart, "dot_binary", lambda: None)
    at = open_page("views/role.py", role="kubelet")
    drawn = [m.value for m in at.markdown if svg_chart.CLASS in m.value]
    assert not drawn and not at.get("graphviz_chart")  # closed: not drawn
    at.session_state["role-neighbours-picture"] = True
    at.run()
    assert not at.exception
    drawn = [m.value for m in at.markdown if svg_chart.CLASS in m.value]
    charts = at.get("graphviz_chart")
    assert (len(drawn), len(charts)) == ((1, 0) if server_dot else (0, 1))
    assert "role:kubelet" in (drawn[0] if server_dot else charts[0].proto.spec)


def test_role_page_says_when_a_role_is_absent_from_the_release(open_page):
    from kubeatlas.graph.knowledge.catalog import load_catalog

    at = open_page("views/role.py", role="dockershim")
    assert "No dockershim in this tree" in at.warning[0].value
    # and in Chinese, the catalog's own Chinese note (it was the English one on a Chinese page)
    at = open_page("views/role.py", role="dockershim", lang="zh")
    zh = load_catalog().role("dockershim").absent_note_zh
    assert zh.startswith("本源码树中没有 dockershim") and at.warning[0].value == zh


@pytest.fixture(scope="module")
def flow_db(tmp_path_factory) -> Path:
    """The notes tree with client-go's generated clientset and the apiserver's admission chain."""
    from test_notes import ADMISSION_TREE, CLIENTSET_TREE, NOTES_TREE

    return build_index(tmp_path_factory.mktemp("flow") / "kubernetes",
                       {**NOTES_TREE, **CLIENTSET_TREE, **ADMISSION_TREE})


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_role_page_shows_the_data_flow_and_the_extension_points(open_page, flow_db, lang):
    """A component's page tells how it works as its study note does: after the main loop, the
    key data flow step by step and the extension points with the implementations production
    code means (the page showed the main loop only, and for a role with none, such as
    admission, CSI or client-go, said only that its note follows its data flow)."""
    from kubeatlas.graph.knowledge.walkthrough import load_walkthroughs
    from kubeatlas.graph.notes.lang import pick
    from kubeatlas.graph.notes.lang import say as notes_say

    at = open_page("views/role.py", db=flow_db, role="admission", lang=lang)
    subheaders = [s.value for s in at.subheader]
    flow, extend = notes_say(lang, "part_flow"), notes_say(lang, "part_extend")
    assert subheaders.index(notes_say(lang, "part_loop")) < subheaders.index(flow) \
        < subheaders.index(extend), subheaders
    labels = [label for label, _ in _links(at)]
    steps = ["handlers.createHandler", "admission.(chainAdmissionHandler).Admit",
             "rest.AdmissionToValidateObjectFunc", "admission.(chainAdmissionHandler).Validate"]
    assert [label for label in labels if label in steps] == steps  # each a link to its code
    parts = dict(load_walkthroughs()["admission"].parts)
    markdown = [str(m.value) for m in at.markdown]
    for step in (*parts["flow"], *parts["extend"]):
        assert any(f" — {pick(lang, step.en, step.zh)}" in m for m in markdown), step
    mutation = next(m for m in markdown if pick(lang, parts["extend"][0].en,
                                                parts["extend"][0].zh) in m)
    # the implementations the study note names, in its order
    from kubeatlas.graph.notes.render import build_note
    from kubeatlas.graph.query.atlas import Atlas
    from kubeatlas.graph.store.sqlite.reader import SqliteReader

    note = next(x for x in build_note(Atlas(SqliteReader(flow_db)), "admission", lang)
                .markdown.splitlines() if x.startswith("- `admission.MutationInterface`"))

    def named(text: str) -> list[str]:
        return re.findall(r"`([\w.()*]+)` \(", text.split(notes_say(lang, "implemented_by"), 1)[1])

    assert "lifecycle.Lifecycle" in named(mutation) and named(mutation) == named(note), mutation
    assert "admission.MutationInterface" in labels


def test_a_role_without_a_loop_or_a_flow_shows_its_start_up(open_page, flow_db):
    """kubeadm and component-base run from main to their end: the page said their study note
    "follows their data flow", which they have none of, and showed no step; it shows the
    start-up the catalog walks through instead."""
    from kubeatlas.graph.knowledge.walkthrough import load_walkthroughs
    from kubeatlas.graph.notes.lang import say as notes_say

    at = open_page("views/role.py", db=flow_db, role="component-base", lang="zh")
    captions = [c.value for c in at.caption]
    assert "目录中没有 component-base 自己的主循环：它从启动一路运行到结束，下面是它的启动过程。" in captions
    assert not [c for c in captions if "数据流" in c], captions
    assert notes_say("zh", "part_start") in [s.value for s in at.subheader]
    first = dict(load_walkthroughs()["component-base"].parts)["start"][0]
    assert any(str(m.value).endswith(f" — {first.zh}") for m in at.markdown)


def test_role_page_lists_first_the_implementation_production_code_means(open_page, flow_db):
    """client-go's kubernetes.Interface: the generated Clientset, its one real implementation,
    comes first in the key interfaces (it was missing, and the kubectl describers that only
    embed the interface led the list), and in the extension points."""
    at = open_page("views/role.py", db=flow_db, role="client-go", lang="zh")
    listing = next(str(m.value) for m in at.markdown
                   if str(m.value).startswith("- `k8s.io/") and "Describer" in str(m.value))
    first, *rest = listing.splitlines()
    assert first.startswith("- `k8s.io/client-go/kubernetes.Clientset` — ")
    assert any("k8s.io/kubectl/pkg/describe.PodDescriber" in line for line in rest)
    assert not any("fake.Clientset" in line for line in listing.splitlines())
    assert any(e.label.startswith("k8s.io/client-go/kubernetes.Interface —— 2 ")
               for e in at.expander), [e.label for e in at.expander]
    extension = next(str(m.value) for m in at.markdown if "每个组件拿到的 clientset 接口" in str(m.value))
    assert "生产代码中的实现：`kubernetes.Clientset` (" in extension


def test_a_roles_core_packages_put_its_tests_and_fakes_last(open_page, tmp_path):
    """A role's core packages, largest first, led with test code on v1.28.7 (kube-apiserver's
    test/integration, 10,701 lines; storage/testing): its own code comes first now."""
    from test_notes import NOTES_TREE

    fake = "\n".join(["package fake", "", "type Clientset struct{ n int }", ""]
                     + [f"func (c *Clientset) M{i}() int {{ return c.n }}" for i in range(300)])
    db = build_index(tmp_path / "kubernetes", {
        **NOTES_TREE, "staging/src/k8s.io/client-go/kubernetes/fake/clientset.go": fake + "\n"})
    at = open_page("views/role.py", db=db, role="client-go")
    shown = [label.split(" · ", 1)[0] for label, _ in _links(at) if label.startswith("k8s.io/")]
    assert "k8s.io/client-go/kubernetes/fake" in shown, shown
    assert shown[-1] == "k8s.io/client-go/kubernetes/fake", shown  # the largest, shown last


def _open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Switch a page's tabs (drawn only when open) to `label`, as a click does."""
    at.session_state[key] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_package_page_lists_files_types_imports_with_toggles(open_page):
    at = open_page("views/package.py", pkg="pkg/kubelet")
    assert at.header[0].value == "k8s.io/kubernetes/pkg/kubelet"
    assert "| files | lines | generated share | test files |" in _text(at)
    assert not any("file" in d.value.columns for d in at.dataframe)  # only the open tab is drawn
    files = _frame(_open_tab(at, "package-tab", "Files"), "file")
    assert list(files["file"]) == ["pkg/kubelet/kubelet.go", "pkg/kubelet/pod_workers.go"]
    assert files["source"][0].endswith("/pkg/kubelet/kubelet.go")
    types = _frame(_open_tab(at, "package-tab", "Types"), "name")
    assert "kubelet.Kubelet" in list(types["name"])
    assert "pkg/kubelet/kubelet.go:" in types["where"][0]
    _open_tab(at, "package-tab", "Imports")
    assert "k8s.io/kubernetes/pkg/kubelet/kuberuntime" in list(_frame(at, "package")["package"])
    labels = [label for label, _ in _links(at)]
    assert "k8s.io/kubernetes/pkg/kubelet/kuberuntime" in labels  # an import
    assert "kubelet" in labels  # its role
    assert [t.label for t in at.toggle] == ["tests", "generated code", "external packages"]


def test_dependencies_page_lists_deps_and_finds_a_call_chain(open_page):
    at = open_page("views/deps.py", pkg="pkg/kubelet", **{
        "from": "method:k8s.io/kubernetes/pkg/kubelet.(*Kubelet).syncLoop",
        "to": "method:k8s.io/kubernetes/pkg/kubelet/cri/remote.(*remoteRuntimeService)."
              "RunPodSandbox"})
    deps = at.dataframe[0].value
    assert "k8s.io/kubernetes/pkg/kubelet/kuberuntime" in list(deps["package"])
    text = _text(at)
    assert "hops" in text and "remote_runtime.go:5" in text


def test_interfaces_page_lists_implementers(open_page):
    at = open_page("views/interfaces.py", type="k8s.io/kubernetes/pkg/kubelet/container.Runtime")
    assert at.header[0].value == "k8s.io/kubernetes/pkg/kubelet/container.Runtime"
    implementers = at.dataframe[0].value
    assert "k8s.io/kubernetes/pkg/kubelet/kuberuntime.kubeGenericRuntimeManager" in \
        list(implementers["type"])


def test_api_kinds_page_shows_the_kind_card(open_page):
    at = open_page("views/kinds.py", kind="Deployment")
    assert at.header[0].value.startswith("Deployment")
    text = _text(at)
    assert "Defining types (2)" in text and "Storage (registry) (1)" in text
    assert "Watchers (1)" in text and "Reconcilers (1)" in text
    assert "staging/src/k8s.io/api/apps/v1/types.go:5" in text
    assert "/pkg/controller/deployment/deployment_controller.go#L" in text  # watch evidence


def test_query_console_runs_read_only_sql_and_flags_truncation(open_page, monkeypatch):
    monkeypatch.setenv("KUBEATLAS_MAX_ROWS", "2")
    at = open_page("views/console.py")
    assert len(at.dataframe[0].value) == 2
    assert "truncated" in at.warning[0].value
    at.text_area[0].input("DELETE FROM nodes")
    at.button[0].click().run()
    assert "read-only" in at.error[0].value
    at = open_page("views/console.py", lang="zh")  # refused in Chinese, the guard's reason kept
    at.text_area[0].input("DELETE FROM nodes")
    at.button[0].click().run()
    assert at.error[0].value.startswith("查询被拒绝（控制台只运行只读查询）。原因：query refused: ")


def test_query_console_runs_a_query_on_submit_not_on_every_rerun(open_page, monkeypatch):
    from kubeatlas.graph.store.sqlite.reader import SqliteReader

    calls: list[str] = []
    real = SqliteReader.run_readonly

    def counting(self, sql, **kw):
        calls.append(sql)
        return real(self, sql, **kw)

    monkeypatch.setattr(SqliteReader, "run_readonly", counting)
    at = open_page("views/console.py")
    assert len(calls) == 1  # the example's result is shown at once
    at.run()
    assert len(calls) == 1 and at.dataframe  # a rerun shows it again without running it
    at.button[0].click().run()
    assert len(calls) == 2


def test_notes_page_renders_a_role_note(open_page, web_db):
    at = open_page("views/notes.py", subject="kubelet")
    text = _text(at)
    assert "# kubelet — how it works" in text and "/blob/" in text
    tree = at.main.text_input[0]  # the indexed checkout by default, its server path never shown
    assert tree.value == "" and "empty: the indexed one" in tree.label
    next(b for b in at.button if b.label == "Check citations").click().run()
    assert at.success[0].value.endswith("citations hold in the indexed checkout")
    root = str(web_db.parent)
    assert not any(root in str(e.value) for e in (*at.markdown, *at.success, *at.text_input))
    tree.input(str(web_db.parent / "nowhere")).run()
    next(b for b in at.button if b.label == "Check citations").click().run()
    assert "no tree at `" in at.error[0].value
    at = open_page("views/notes.py")
    assert "Creating a Deployment" in _text(at)


def test_notes_page_offers_every_flow_and_role_in_both_languages(open_page, web_db):
    from kubeatlas.graph.notes.flow import load_flows
    from kubeatlas.graph.notes.render import subjects
    from kubeatlas.graph.query.atlas import Atlas
    from kubeatlas.graph.store.sqlite.reader import SqliteReader

    at = open_page("views/notes.py", subject="kubelet", lang="zh")
    note = next(s for s in at.selectbox if s.label == "笔记")  # the page's words in Chinese too
    every = subjects(Atlas(SqliteReader(web_db)))  # what `kubeatlas notes` offers
    assert len(note.options) == len(every) and note.value == "kubelet"
    assert {f"流程：{f.title[1]}" for f in load_flows()} <= set(note.options)
    assert "组件：kubelet" in note.options
    text = _text(at)
    assert "# kubelet —— 工作原理" in text and "它是什么" in text  # the Chinese note
    assert at.radio[0].value == "zh" and at.title[0].value == "学习笔记"
    assert [b.label for b in at.get("download_button")] == ["下载 Markdown"]
    next(b for b in at.button if b.label == "核对引用").click().run()
    assert at.success[0].value.startswith("全部 ") and "处引用在" in at.success[0].value
    at = open_page("views/notes.py", subject="pod-flow")
    assert "/blob/" in _text(at) and at.radio[0].value == "en"
    at.radio[0].set_value("zh").run()
    pod_flow = next(f for f in load_flows() if f.id == "pod-flow")
    assert at.query_params["lang"] == "zh" and f"# {pod_flow.title[1]}" in _text(at)
    assert at.title[0].value == "学习笔记"  # the title follows the switch in the same run
    at.radio[0].set_value("en").run()
    assert at.title[0].value == "Study notes" and at.query_params["lang"] == "en"
    assert "流程" not in " ".join(at.selectbox[0].options)


@pytest.mark.parametrize("asked, shown", [("zh-CN", "zh"), ("ZH", "zh"), ("zh_Hans", "zh"),
                                          ("fr", "en"), ("zh-", "zh")])
def test_notes_page_reads_a_hand_written_language_or_falls_back_to_english(open_page, asked,
                                                                          shown):
    at = open_page("views/notes.py", subject="kubelet", lang=asked)
    assert not at.error
    assert at.radio[0].value == shown and at.query_params["lang"] == shown
    title = "# kubelet —— 工作原理" if shown == "zh" else "# kubelet — how it works"
    assert title in _text(at)  # the note itself, not a dead end
    if shown == "en":
        assert f"no note language '{asked}'" in at.warning[0].value and "lang=zh" in at.warning[0].value


@pytest.mark.parametrize("content, message", [
    (None, "no index at"),
    (b"this is not sqlite at all" * 100, "not a kubeatlas index"),
])
def test_a_missing_or_corrupt_index_is_an_error_page(open_page, tmp_path, content, message):
    db = tmp_path / "index.sqlite"
    if content is not None:
        db.write_bytes(content)
    at = open_page(db=db)
    assert message in at.error[0].value


# --- one language for the explorer: the sidebar's 中文/English switch, `lang` in the URL ------
def test_role_page_in_chinese_shows_its_headings_summary_and_steps_in_chinese(open_page):
    from kubeatlas.app.web.words import say
    from kubeatlas.graph.knowledge.catalog import load_catalog
    from kubeatlas.graph.knowledge.walkthrough import load_walkthroughs
    from kubeatlas.graph.notes import lang

    at = open_page("views/role.py", role="kubelet", lang="zh")
    assert at.sidebar.radio[0].value == "zh" and at.query_params["lang"] == "zh"
    subheaders = [s.value for s in at.subheader]
    for heading in (say("zh", "entry_point"), lang.say("zh", "part_loop"),
                    lang.say("zh", "reading_path"), say("zh", "core_packages", count=8),
                    lang.say("zh", "key_interfaces"), lang.say("zh", "neighbours")):
        assert heading in subheaders, (heading, subheaders)
    assert not {"Entry point", "Main loop", "Key interfaces", "Neighbours"} & set(subheaders)
    kubelet = load_catalog().role("kubelet")
    markdown = [str(m.value) for m in at.markdown]
    # the catalog's Chinese summary first, then its English one
    assert markdown.index(kubelet.summary_zh) < markdown.index(kubelet.summary_en)
    first = dict(load_walkthroughs()["kubelet"].parts)["loop"][0]
    assert any(m.endswith(f" — {first.zh}") for m in markdown)  # the main loop's steps in Chinese
    assert not any(m.endswith(f" — {first.en}") for m in markdown)
    assert at.selectbox[0].label == say("zh", "role") and at.selectbox[0].value == "kubelet"
    # the live graph's words too (a fragment of its own)
    assert say("zh", "graph_edges") in [m.label for m in at.multiselect]
    assert {m.placeholder for m in at.multiselect} == {"请选择"}  # not Streamlit's English
    assert any(c.value.endswith(say("zh", "graph_how")) for c in at.caption)
    links = {p.proto.label: p.proto.query_string for p in at.get("page_link")}
    assert links[say("zh", "note_for", name="kubelet")] == "subject=kubelet&lang=zh"
    assert all(q.endswith("lang=zh") for q in links.values())  # a new tab keeps the language
    # back to English with the switch: the same page, its words, and the URL
    at.sidebar.radio[0].set_value("en").run()
    assert not at.exception and at.query_params["lang"] == "en"
    assert "Entry point" in [s.value for s in at.subheader] and at.selectbox[0].value == "kubelet"
    assert not any("lang=" in p.proto.query_string for p in at.get("page_link"))


@pytest.mark.parametrize("lang, imports, imported, sep, colon", [
    ("en", "this role imports it", "imports this role", " — ", ": "),
    ("zh", "本角色导入它", "它导入本角色", " —— ", "："),
])
def test_role_neighbours_say_which_way_the_imports_go(open_page, web_db, lang, imports,
                                                       imported, sep, colon):
    """A neighbour this role imports and one that imports it are told apart, in the reader's
    language (the Chinese said of every role the kubelet imports that it imports the kubelet:
    依赖它, "depends on it"; the English, "API types — depends on")."""
    from kubeatlas.graph.query.atlas import Atlas
    from kubeatlas.graph.store.sqlite.reader import SqliteReader

    atlas = Atlas(SqliteReader(web_db))
    told = 0
    for role in ("kubelet", "cri"):
        card = atlas.role_summary(f"role:{role}")
        labels = [label for label, _ in _links(open_page("views/role.py", role=role, lang=lang))]
        for relation, said in (("depends_on", imports), ("depended_by", imported)):
            shown = sorted(label.rsplit(f"{sep}{said}{colon}", 1)[1] for label in labels
                           if f"{sep}{said}{colon}" in label)
            counts = [int(d.get("weight", 0)) for d in card[relation]]
            expected = sorted(f"{c} 处导入" if lang == "zh" else
                              f"{c} import" + ("" if c == 1 else "s") for c in counts)
            assert shown == expected, (role, relation, [la for la in labels if sep in la])
            told += len(expected)
        assert not [label for label in labels if f"{sep}依赖它" in label or "depends on" in label]
    assert told >= 2


def test_the_language_is_kept_when_a_link_drops_it_and_english_stays_out_of_the_url(
        open_page, browser_graphviz):
    from kubeatlas.app.web.words import say

    at = open_page()
    assert "lang" not in at.query_params and at.title[0].value == "Architecture map"
    at.sidebar.radio[0].set_value("zh").run()
    assert at.query_params["lang"] == "zh" and at.title[0].value == say("zh", "page_architecture")
    assert say("zh", "map_intro") in [c.value for c in at.caption]
    assert say("zh", "map_roles") in [s.value for s in at.subheader]
    spec = at.get("graphviz_chart")[0].proto.spec
    assert 'URL="role?role=kubelet&lang=zh"' in spec  # a click on a box keeps the language
    assert f'label="{say("zh", "plane_control")}"' in spec
    from kubeatlas.graph.knowledge.catalog import load_catalog
    from kubeatlas.graph.notes.glossary import phrase

    kubelet = load_catalog().role("kubelet")
    assert f'tooltip="{kubelet.summary_zh[:40]}' in spec  # a box's summary on hover, in Chinese
    wires = {line.split(" [")[0].strip(): line for line in spec.splitlines() if " -> " in line}
    gone = wires['"role:dockershim" -> "role:cri"']
    assert say("zh", "index_absent") in gone and "(not in this release)" not in gone
    cri = next(link for link in kubelet.talks_to if link.role == "cri")
    assert f'tooltip="{phrase(cri.protocol, "zh")}"' in wires['"role:kubelet" -> "role:cri"']
    # the navigation (or a link written without `lang`) leaves it out: the session's choice holds
    at.switch_page("views/role.py")
    at.query_params.clear()
    at.query_params["role"] = "kube-scheduler"
    at.run()
    assert not at.exception and at.query_params["lang"] == "zh"
    assert at.title[0].value == "kube-scheduler" and say("zh", "entry_point") in [
        s.value for s in at.subheader]


def test_open_map_options_stay_open_with_their_values_across_a_switch(open_page,
                                                                      browser_graphviz):
    from kubeatlas.app.web.words import say

    at = open_page()
    at.session_state["map-options"] = True
    at.run()
    next(t for t in at.toggle if t.label == "talks to").set_value(False).run()
    at.sidebar.radio[0].set_value("zh").run()
    assert not at.exception and [t.label for t in at.toggle][:1] == [say("zh", "map_talks")]
    assert at.toggle[0].value is False  # still open, and still without the wires
    assert '"role:kubelet" -> "role:cri"' not in at.get("graphviz_chart")[0].proto.spec
    at.sidebar.radio[0].set_value("en").run()
    assert [t.label for t in at.toggle][:1] == ["talks to"] and at.toggle[0].value is False


def test_a_refused_language_parameter_is_an_error_and_the_page_still_shows(open_page):
    at = open_page("views/role.py", role="kubelet", lang="zh\x00")
    assert "contains control characters" in at.error[0].value
    assert at.title[0].value == "kubelet" and "Entry point" in [s.value for s in at.subheader]


def test_an_unknown_language_says_so_and_shows_english(open_page):
    at = open_page("views/role.py", role="kubelet", lang="fr")
    assert "no page language 'fr'" in at.warning[0].value and "lang=zh" in at.warning[0].value
    assert at.query_params["lang"] == "en" and "Entry point" in [s.value for s in at.subheader]


def test_the_explorers_chinese_follows_the_reviewed_glossary():
    """The pages' own Chinese as the notes' (tests/test_notes.py): no rendering to avoid, and
    where the English names a glossary term, the Chinese names its one rendering."""
    import re

    from kubeatlas.app.web import words
    from kubeatlas.graph.notes.glossary import load_glossary

    glossary = load_glossary()
    pairs = list(words._TEXT.values())
    named = 0
    for en, zh in pairs:
        assert not [bad for bad in glossary.avoid if bad in zh], zh
        for term, chinese in glossary.terms.items():
            if re.search(rf"\b{re.escape(term)}s?\b", en, re.IGNORECASE):
                named += 1
                assert chinese in zh, (term, chinese, zh)
    assert named >= 5  # entry point, main loop, interface ... are named and said in Chinese


def test_package_and_code_pages_in_chinese_keep_the_open_tab_and_toggles_across_a_switch(
        open_page):
    from kubeatlas.app.web.words import say

    at = open_page("views/package.py", pkg="pkg/kubelet", lang="zh")
    assert at.title[0].value == say("zh", "page_package")
    assert say("zh", "pkg_table") in _text(at) and "| files |" not in _text(at)
    assert [t.label for t in at.toggle] == [say("zh", k) for k in
                                           ("pkg_tests", "pkg_generated", "pkg_external")]
    files = _frame(_open_tab(at, "package-tab", say("zh", "tab_files")), "文件")
    assert list(files.columns) == ["文件", "行数", "测试", "生成的", "构建约束", "源码"]
    assert "pkg/kubelet/kubelet.go" in list(files["文件"])
    at.toggle[0].set_value(True).run()
    at.sidebar.radio[0].set_value("en").run()  # the reader stays on Files, with tests shown
    assert not at.exception and at.session_state["package-tab"] == "Files"
    assert "file" in _frame(at, "file").columns and at.toggle[0].label == "tests"
    assert at.toggle[0].value is True
    at = open_page("views/code.py", id="scheduleOne", lang="zh")
    text = _text(at)
    assert at.title[0].value == "scheduler.(*Scheduler).scheduleOne"
    assert say("zh", "declared_at", where="") in text and "declared at" not in text
    labels = [label for label, _ in _links(at)]
    assert say("zh", "code_receiver", name="scheduler.Scheduler") in labels
    at.sidebar.radio[0].set_value("en").run()
    assert "receiver type scheduler.Scheduler" in [label for label, _ in _links(at)]
    # a name with several candidates asks in Chinese (three methods are named SyncPod)
    at = open_page("views/code.py", id="SyncPod", lang="zh")
    box = next(s for s in at.selectbox if s.key == "pick-id-SyncPod")
    assert box.label == say("zh", "pick_ambiguous", text="SyncPod", count=3, first="")
    assert box.placeholder == say("zh", "pick_choose") and len(box.options) == 3


def test_the_code_and_search_pages_say_what_a_node_is_and_their_columns_in_chinese(open_page):
    """The type-or-function page said `method ·` and drew its callers and callees under English
    columns (name, how, line, declared at, source) with English hops (call, interface call); the
    search page labelled hits `(method)`, `(func · 测试)`. In Chinese they are 方法, 函数 …"""
    from kubeatlas.app.web.words import say

    at = open_page("views/code.py", id="syncLoop", lang="zh")
    assert at.caption[0].value.startswith("方法 · `method:"), at.caption[0].value
    at = _open_tab(at, "code-tab", say("zh", "tab_callees", count=_count_of(at, "被调用者")))
    frame = _frame(at, "名称")
    assert list(frame.columns) == ["名称", "方式", "行", "声明位置", "源码"]
    assert set(frame["方式"]) <= {"调用", "接口调用", "经字段调用", "调用字段中保存的函数",
                                  "经 channel 交接", "经工作队列交接", "经条件变量交接"}, set(frame["方式"])
    assert "调用" in set(frame["方式"]) or "接口调用" in set(frame["方式"])
    at = open_page("views/code.py", id="type:k8s.io/cri-api/pkg/apis.RuntimeService", lang="zh")
    assert at.caption[0].value.startswith("接口 · `type:"), at.caption[0].value
    labels = [label for label, _ in _links(open_page("views/search.py", q="syncLoop", lang="zh"))]
    assert "kubelet.(*Kubelet).syncLoop  (方法)" in labels, labels
    assert not any("(method" in label or "(func" in label for label in labels)
    english = [label for label, _ in _links(open_page("views/search.py", q="syncLoop"))]
    assert "kubelet.(*Kubelet).syncLoop  (method)" in english


def _count_of(at: AppTest, label: str) -> int:
    """The count a tab's label gives (`被调用者（3）` -> 3)."""
    tabs = [t.label for t in at.tabs]
    return int(next(t for t in tabs if t.startswith(label)).split("（")[1].rstrip("）"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_packages_functions_open_their_own_pages(open_page, lang):
    """The package page's Functions tab listed functions with a GitHub link only: no way on to
    a function's page (its callers, callees, main-loop place) but the search box. It opens them
    as the Types tab opens types, and says what each is in the reader's language."""
    from kubeatlas.app.web.words import say

    at = _open_tab(open_page("views/package.py", pkg="pkg/kubelet", lang=lang), "package-tab",
                   say(lang, "tab_functions"))
    assert say(lang, "pkg_open_function") in [e.label for e in at.expander]
    links = dict(_links(at))
    assert "kubelet.(*Kubelet).syncLoop" in links and links["kubelet.(*Kubelet).syncLoop"] \
        .endswith("code")
    frame = _frame(at, say(lang, "col_name"))
    kinds = set(frame[say(lang, "col_decl_kind")])
    assert kinds <= ({"方法", "函数"} if lang == "zh" else {"method", "func"}), kinds
    assert len(kinds) == 2


def test_the_questions_and_tools_pages_speak_chinese_down_to_their_evidence(open_page):
    """The pages that were English only, in Chinese: headings, table columns, the evidence of
    an API kind's relations and a chain's hops — with code, paths and identifiers untouched."""
    from kubeatlas.app.web.words import say

    at = open_page("views/kinds.py", kind="Deployment", lang="zh")
    subheaders = [s.value for s in at.subheader]
    assert any(s.startswith(say("zh", "kinds_watches")) for s in subheaders), subheaders
    text = _text(at)
    assert "内部类型" in text and " called in " not in text and "Watchers" not in subheaders
    assert "/pkg/controller/deployment/deployment_controller.go#L" in text  # the link stays
    at = open_page("views/interfaces.py", type="k8s.io/kubernetes/pkg/kubelet/container.Runtime",
                   lang="zh")
    assert at.title[0].value == say("zh", "page_interfaces")
    assert "k8s.io/kubernetes/pkg/kubelet/kuberuntime.kubeGenericRuntimeManager" in \
        list(_frame(at, say("zh", "col_type"))[say("zh", "col_type")])
    at = open_page("views/deps.py", pkg="pkg/kubelet", lang="zh", **{
        "from": "method:k8s.io/kubernetes/pkg/kubelet.(*Kubelet).syncLoop",
        "to": "method:k8s.io/kubernetes/pkg/kubelet/cri/remote.(*remoteRuntimeService)."
              "RunPodSandbox"})
    assert "k8s.io/kubernetes/pkg/kubelet/kuberuntime" in \
        list(_frame(at, say("zh", "col_package"))[say("zh", "col_package")])
    labels = [label for label, _ in _links(at)]
    assert any(f"—{say('zh', 'how_call')}→ " in label for label in labels), labels
    assert not any("—call→" in label for label in labels)
    at = open_page("views/console.py", lang="zh")
    assert at.button[0].label == say("zh", "console_run")
    assert any(c.value.endswith(say("zh", "console_rows", count=1, truncated="否")[1:])
               for c in at.caption)


def test_why_a_package_watches_a_kind_is_said_in_chinese_on_the_kind_and_role_pages(open_page):
    """A watch found through a field or parameter typed with an informer (the deployment
    controller's dInformer) was shown as the index writes it, in English word order, on the
    API kinds page and on the role page; both now say it in Chinese."""
    said = "`DeploymentController` 的字段或参数 `dInformer`，类型为 `appsinformers.DeploymentInformer`"
    kinds = _text(open_page("views/kinds.py", kind="Deployment", lang="zh"))
    role = _text(open_page("views/role.py", role="kube-controller-manager", lang="zh"))
    for text in (kinds, role):
        assert said in text, text
        assert "`DeploymentController dInformer appsinformers.DeploymentInformer`" not in text
        assert "/pkg/controller/deployment/deployment_controller.go#L11)" in text  # the link stays
    english = _text(open_page("views/kinds.py", kind="Deployment"))
    assert "`DeploymentController dInformer appsinformers.DeploymentInformer`" in english


def test_every_watch_of_the_real_index_is_said_in_chinese():
    """Each shape of evidence the real v1.28.7 index holds for WATCHES, STORES and RECONCILES
    (a call of an informer, a list-watch of a resource, a typed field or parameter, a registry
    or controller directory) has Chinese words: none is left as the index's English."""
    import json

    from kubeatlas.app.web.evidence import SHAPES, evidence_md

    db = Path(os.environ.get("KUBEATLAS_REAL_DB", "/work/scratch/rt30.sqlite"))
    if not db.exists():
        pytest.skip(f"no index of a real tree at {db} (set KUBEATLAS_REAL_DB)")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        details = {json.loads(attrs).get("evidence") or "" for (attrs,) in conn.execute(
            "SELECT attrs FROM edges WHERE kind IN ('WATCHES', 'STORES', 'RECONCILES')")}
    assert len(details) > 100
    unsaid = [d for d in details if d and not any(p.match(d) for _, p in SHAPES)]
    assert unsaid == []
    tree = {"commit": "0" * 40}
    for detail in details:
        zh = evidence_md(tree, detail, "zh")
        assert not re.search(r" called in | lists and watches | names | shares its name ", zh), zh


def test_a_chain_says_the_edges_it_follows_in_chinese(open_page):
    """The paths page said a chain ran "沿 CALLS, DISPATCHES, …" on a Chinese page."""
    query = {"from": "method:k8s.io/kubernetes/pkg/kubelet.(*Kubelet).syncLoop",
             "to": "method:k8s.io/kubernetes/pkg/kubelet/cri/remote.(*remoteRuntimeService)."
                   "RunPodSandbox"}
    zh = next(str(m.value) for m in open_page("views/deps.py", lang="zh", **query).markdown
              if "最短的链为红色" in str(m.value))
    assert "，沿 调用" in zh and "CALLS" not in zh and "DISPATCHES" not in zh, zh
    en = next(str(m.value) for m in open_page("views/deps.py", **query).markdown
              if "the shortest in red" in str(m.value))
    assert " along CALLS" in en, en


def test_the_minik8s_components_are_described_in_the_language_chosen(open_page, web_db, tmp_path):
    """The role page's minik8s links and a component's own page say what the component does in
    the reader's language; an index built before the Chinese summaries gives the English one."""
    scheduler_zh = "minik8s **scheduler** — 调度循环——Filter、Score、assume、Bind，以及失败处理"
    scheduler_en = "minik8s **scheduler** — the scheduling loop - filter, score, assume, bind, handle failures"
    zh = [label for label, _ in _links(open_page("views/role.py", role="kube-scheduler", lang="zh"))]
    assert scheduler_zh in zh and scheduler_en not in zh
    en = [label for label, _ in _links(open_page("views/role.py", role="kube-scheduler"))]
    assert scheduler_en in en and scheduler_zh not in en
    page = _text(open_page("views/code.py", id="mini:scheduler", lang="zh"))
    assert "`minik8s/scheduler/scheduler.py` — 调度循环——Filter、Score、assume、Bind，以及失败处理" in page
    package = _text(_open_tab(open_page("views/package.py", pkg="pkg/scheduler", lang="zh"),
                              "package-tab", "minik8s"))
    assert "**minik8s `minik8s/scheduler/scheduler.py`** — 调度循环——Filter、Score、assume、Bind，以及失败处理" \
        in package
    older = tmp_path / "older.sqlite"
    shutil.copy(web_db, older)
    with sqlite3.connect(older) as conn:
        conn.execute("UPDATE nodes SET attrs = json_remove(attrs, '$.summary_zh') WHERE kind = 'MiniComponent'")
    zh = [label for label, _ in _links(open_page("views/role.py", db=older, role="kube-scheduler", lang="zh"))]
    assert scheduler_en in zh
