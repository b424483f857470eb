"""A directory of the tree, as a learner types it from a listing of `pkg/` (`pkg/apis`,
`pkg/util`): its own package when it has Go files, else the packages under it — never a
package elsewhere whose path happens to end the same way."""

from __future__ import annotations

import pytest
from conftest import write_tree

from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.app.cli import main
from kubeatlas.errors import DirectoryOnly, NodeNotFound
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.index.stages import default_stages
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.query.directory import list_directory
from kubeatlas.graph.store.sqlite.reader import SqliteReader

REGISTRY = ["pkg:k8s.io/kubernetes/pkg/registry/apps/deployment/storage",
            "pkg:k8s.io/kubernetes/pkg/registry/core/pod/storage"]


@pytest.fixture(scope="module")
def atlas(ktree_db) -> Atlas:
    return Atlas(SqliteReader(ktree_db))


def test_a_directory_without_go_files_names_the_packages_under_it(atlas):
    with pytest.raises(DirectoryOnly) as raised:
        atlas.resolve("pkg/registry/")
    assert raised.value.fields["packages"] == REGISTRY  # the shallowest first
    assert "pkg/registry/apps/deployment/storage" in str(raised.value)
    with pytest.raises(DirectoryOnly) as raised:
        atlas.resolve("pkg/kubelet/cri")
    assert raised.value.fields["packages"] == ["pkg:k8s.io/kubernetes/pkg/kubelet/cri/remote"]
    assert atlas.resolve("pkg/volume") == "pkg:k8s.io/kubernetes/pkg/volume"  # Go files: its own
    with pytest.raises(NodeNotFound) as missing:
        atlas.resolve("pkg/windows")  # in the listing of some release, not in this tree
    assert not isinstance(missing.value, DirectoryOnly)


def test_the_cli_says_so_and_exits_non_zero(ktree_db, capsys):
    assert main(["deps", "pkg/registry", "--db", str(ktree_db)]) == 2
    err = capsys.readouterr().err
    assert "'pkg/registry' is a directory with no Go files of its own" in err
    assert "pkg/registry/apps/deployment/storage, pkg/registry/core/pod/storage" in err


def test_a_tree_directory_wins_over_a_package_elsewhere_that_ends_like_it(tmp_path):
    """v1.28.7's `pkg/util` (only subpackages) once resolved to the vendored
    `k8s.io/kube-openapi/pkg/util`, which its code imports."""
    root = write_tree(tmp_path / "kubernetes", {
        "go.mod": "module k8s.io/kubernetes\n",
        "pkg/util/env/env.go": 'package env\n\nimport "k8s.io/kube-openapi/pkg/util"\n\n'
                               "var _ = util.ToCanonicalName\n",
    })
    db = tmp_path / "index.sqlite"
    index_tree(describe_checkout(root), db, jobs=1, max_file_bytes=1 << 20,
               stages=default_stages())
    atlas = Atlas(SqliteReader(db))
    assert atlas.reader.get_nodes(["ext:k8s.io/kube-openapi/pkg/util"])  # it is in the graph
    with pytest.raises(DirectoryOnly) as raised:
        atlas.resolve("pkg/util")
    assert raised.value.fields["packages"] == ["pkg:k8s.io/kubernetes/pkg/util/env"]
    assert atlas.resolve("k8s.io/kube-openapi/pkg/util") == "ext:k8s.io/kube-openapi/pkg/util"


def test_the_package_page_offers_the_packages_under_a_directory(open_page):
    at = open_page("views/package.py", pkg="pkg/registry")
    box = at.selectbox[0]
    assert "'pkg/registry' is a directory with no Go files of its own" in box.label
    assert not at.info  # no "Type a package" under a choice waiting to be made
    assert box.options == [f"{p.removeprefix('pkg:')}  (pkg)" for p in REGISTRY]  # labels
    box.set_value(REGISTRY[1]).run()
    assert not at.exception
    assert at.header[0].value == "k8s.io/kubernetes/pkg/registry/core/pod/storage"


def test_the_package_page_offers_every_package_under_a_large_directory(tmp_path, open_page):
    """v1.28.7's `pkg/apis` holds 155 packages; the choice said so but offered 50."""
    groups = [f"group{i:02d}" for i in range(60)]
    root = write_tree(tmp_path / "kubernetes", {
        "go.mod": "module k8s.io/kubernetes\n",
        **{f"pkg/apis/{g}/types.go": f"package {g}\n\ntype Thing struct{{}}\n" for g in groups}})
    db = tmp_path / "index.sqlite"
    index_tree(describe_checkout(root), db, jobs=1, max_file_bytes=1 << 20,
               stages=default_stages())
    at = open_page("views/package.py", db=db, pkg="pkg/apis")
    box = at.selectbox[0]
    assert "open one of the 60 packages under it" in box.label
    assert len(box.options) == 60 and box.options[-1].startswith("k8s.io/kubernetes/pkg/apis/group59")
    box.set_value("pkg:k8s.io/kubernetes/pkg/apis/group59").run()
    assert at.header[0].value == "k8s.io/kubernetes/pkg/apis/group59"


@pytest.mark.parametrize("lang, said", [
    ("en", "'pkg/util' is a directory with no Go files of its own: the one package under it, "
           "{dir}, is shown"),
    ("zh", "'pkg/util' 是一个本身没有 Go 文件的目录：下面显示的是它下面唯一的包 {dir}"),
])
def test_a_directory_with_one_package_under_it_opens_that_package(open_page, web_db, lang, said):
    """v1.28.7's `pkg/cluster` and `pkg/windows` hold one package each: the page asked to
    "open one of the 1 packages under it" from a choice of one; it shows that package."""
    with pytest.raises(DirectoryOnly) as raised:
        Atlas(SqliteReader(web_db)).resolve("pkg/util")
    (only,) = raised.value.fields["packages"]
    at = open_page("views/package.py", pkg="pkg/util", lang=lang)
    assert not at.selectbox
    assert at.header[0].value == only.removeprefix("pkg:")
    assert said.format(dir=only.removeprefix("pkg:k8s.io/kubernetes/")) in \
        [c.value for c in at.caption]


@pytest.mark.parametrize("lang, said", [
    ("en", "no directory 'staging/src/k8s.io/noderesourcetopology-api' with Go code in this tree"),
    ("zh", "本源码树中没有目录 'staging/src/k8s.io/noderesourcetopology-api'"),
])
def test_a_directory_the_release_does_not_have_is_said_to_be_one(open_page, lang, said):
    """The seed post lists staging/src/k8s.io/noderesourcetopology-api, which 1.28 does not
    have: the page said "nothing named …", as of a misspelt function."""
    at = open_page("views/package.py", pkg="staging/src/k8s.io/noderesourcetopology-api",
                   lang=lang)
    assert said in at.error[0].value, at.error[0].value


@pytest.mark.parametrize("typed, entries", [
    ("cmd", ["cmd/kube-apiserver", "cmd/kube-controller-manager", "cmd/kube-proxy",
             "cmd/kube-scheduler", "cmd/kubelet"]),
    ("pkg", ["pkg/apis", "pkg/controller", "pkg/kubelet", "pkg/proxy", "pkg/registry",
             "pkg/scheduler", "pkg/util/pod", "pkg/volume"]),
    ("staging", ["staging/src/k8s.io"]),  # src/ holds only k8s.io/: one path, as GitHub shows it
    ("staging/src/k8s.io/", ["staging/src/k8s.io/api", "staging/src/k8s.io/apimachinery/pkg",
                             "staging/src/k8s.io/apiserver/pkg", "staging/src/k8s.io/client-go",
                             "staging/src/k8s.io/component-base",
                             "staging/src/k8s.io/component-helpers/apimachinery/lease",
                             "staging/src/k8s.io/cri-api/pkg/apis"]),
    ("plugin", ["plugin/pkg/admission/namespace/lifecycle"]),
])
def test_a_top_level_directory_opens_as_a_directory(atlas, ktree_db, capsys, typed, entries):
    """`deps cmd` answered "'cmd' matches 3 nodes" (kubectl's pkg/cmd …), `deps pkg`,
    `deps staging` and `deps staging/src/k8s.io` "nothing named": a directory of the tree is
    that directory, listed by its entries."""
    with pytest.raises(DirectoryOnly) as raised:
        atlas.resolve(typed)
    assert raised.value.fields["entries"] == entries
    listing = list_directory(atlas.reader, typed)
    assert listing is not None and [e.dir for e in listing.entries] == entries
    assert sum(e.packages for e in listing.entries) == listing.packages == \
        len(raised.value.fields["packages"])
    assert main(["deps", typed, "--db", str(ktree_db)]) == 2
    err = capsys.readouterr().err
    assert f"{typed.rstrip('/')!r} is a directory with no Go files of its own" in err
    assert all(e in err for e in entries), err


def test_a_package_directory_lists_its_entries_too(atlas):
    listing = list_directory(atlas.reader, "pkg/kubelet")
    assert listing is not None and listing.package == "pkg:k8s.io/kubernetes/pkg/kubelet"
    by_dir = {e.dir: e for e in listing.entries}
    assert list(by_dir) == ["pkg/kubelet/cm/devicemanager", "pkg/kubelet/container",
                            "pkg/kubelet/cri/remote", "pkg/kubelet/kuberuntime"]
    assert by_dir["pkg/kubelet/cri/remote"].package == "pkg:k8s.io/kubernetes/pkg/kubelet/cri/remote"


def _entry_links(at) -> dict[str, str]:
    """Links to the package page: label -> the `pkg` they open."""
    from urllib.parse import parse_qs
    return {p.proto.label: parse_qs(p.proto.query_string)["pkg"][0] for p in at.get("page_link")
            if p.proto.page == "package" and "pkg=" in p.proto.query_string}


@pytest.mark.parametrize("lang, heading, entry", [
    ("en", "Entries of cmd/ (5) — a click opens one", "kubelet — package"),
    ("zh", "cmd/ 目录下的条目（5）—— 点击打开", "kubelet —— 包"),
])
def test_the_package_page_opens_a_top_level_directory(open_page, lang, heading, entry):
    at = open_page("views/package.py", pkg="cmd", lang=lang)
    assert heading in [m.value for m in at.markdown]
    links = _entry_links(at)
    assert links[entry] == "cmd/kubelet" and len(links) == 5
    at = open_page("views/package.py", pkg="staging", lang=lang)
    (only,) = _entry_links(at).values()
    assert only == "staging/src/k8s.io"
    at = open_page("views/package.py", pkg=only, lang=lang)
    assert "staging/src/k8s.io/client-go" in _entry_links(at).values()


@pytest.mark.parametrize("lang, label", [
    ("en", "cri/remote — package"), ("zh", "cri/remote —— 包")])
def test_the_package_page_of_a_package_lists_its_sub_directories(open_page, lang, label):
    at = open_page("views/package.py", pkg="pkg/kubelet", lang=lang)
    assert at.header[0].value == "k8s.io/kubernetes/pkg/kubelet"
    links = _entry_links(at)
    assert links[label] == "pkg/kubelet/cri/remote"
    assert set(links.values()) >= {"pkg/kubelet/container", "pkg/kubelet/kuberuntime"}
