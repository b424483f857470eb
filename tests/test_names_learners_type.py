"""Names a learner types from a listing or a blog post: a role before code named like it, on the
CLI as in the search box; a name matching several functions takes the one a learner means."""

from __future__ import annotations

import json

import pytest
from conftest import write_tree

from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.app.cli import main
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.index.stages import default_stages
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.query.search import ranked_search
from kubeatlas.graph.store.sqlite.reader import SqliteReader

TREE = {
    "go.mod": "module k8s.io/kubernetes\n",
    "cmd/kubeadm/app/util/etcd/etcd.go": "package etcd\n\nfunc New() {}\n",
    "cmd/kubeadm/app/phases/etcd/local.go": "package etcd\n\nfunc CreateLocalEtcd() {}\n",
    "pkg/kubelet/kubelet.go": "package kubelet\n\ntype Kubelet struct{}\n",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("names")
    root = write_tree(tmp / "kubernetes", TREE)
    path = tmp / "index.sqlite"
    index_tree(describe_checkout(root), path, jobs=1, max_file_bytes=1 << 20,
               stages=default_stages())
    return path


@pytest.mark.parametrize("limit", ["1", "3", "50"])
def test_find_lists_the_role_a_name_starts_first_as_the_search_box_does(db, capsys, limit):
    """`find etcd` listed kubeadm's packages named etcd before role:etcd-storage (with a small
    --limit it left the role out); the web's search box and the CLI now agree: roles first."""
    assert main(["find", "etcd", "--limit", limit, "--db", str(db), "--json"]) == 0
    listed = [h["id"] for h in json.loads(capsys.readouterr().out)]
    boxed = [h.id for h in ranked_search(SqliteReader(db), "etcd", int(limit))]
    assert listed[0] == boxed[0] == "role:etcd-storage"
    assert len(listed) == int(limit) or "pkg:k8s.io/kubernetes/cmd/kubeadm/app/util/etcd" in listed
    assert Atlas(SqliteReader(db)).find("etcd", limit=int(limit))[0].id == "role:etcd-storage"


@pytest.mark.parametrize("mini", ["mini:kubelet", "mini:scheduler"])
def test_a_minik8s_component_page_in_chinese_says_what_it_mirrors_in_chinese(
        open_page, ktree_db, mini):
    """/code?id=mini:kubelet&lang=zh showed the Python module's English docstring under
    "它对应什么、简化了什么："; it shows the component's Chinese summary (the docstring stays
    one click away), and the English page keeps the docstring."""
    node = Atlas(SqliteReader(ktree_db)).node(mini)
    chinese = str(node.attrs["summary_zh"])
    said = [str(m.value) for m in open_page("views/code.py", id=mini, lang="zh").markdown]
    heading = said.index("*它对应什么、简化了什么：*")
    assert said[heading + 1] == chinese
    said = [str(m.value) for m in open_page("views/code.py", id=mini).markdown]
    heading = said.index("*What it mirrors and what it simplifies:*")
    assert said[heading + 1] not in (chinese, str(node.attrs["summary"]))  # the docstring


@pytest.mark.parametrize("lang, embeds, embedded, implements", [
    ("en", "Embeds 1 interfaces", "Embedded by 2 types", "Implements 0 interfaces"),
    ("zh", "嵌入了 1 个接口", "被 2 个类型嵌入", "实现了 0 个接口"),
])
def test_the_interfaces_page_says_what_an_interface_embeds(open_page, lang, embeds, embedded,
                                                            implements):
    """An interface that embeds another (workqueue's DelayingInterface embeds Interface and is
    embedded by RateLimitingInterface and the struct rateLimitingType) was said to implement "0 interfaces"."""
    queue = "type:k8s.io/client-go/util/workqueue."
    at = open_page("views/interfaces.py", type=f"{queue}DelayingInterface", lang=lang)
    headings = [h.value for h in at.subheader]
    assert embeds in headings and embedded in headings and implements not in headings
    opened = {p.proto.label for p in at.get("page_link")}
    assert {"workqueue.Interface", "workqueue.RateLimitingInterface"} <= opened, opened
