"""The knowledge commands through the CLI entry point, on a small tree with roles and kinds."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from conftest import FIXTURE_TREE, write_tree
from test_knowledge import RECENT

from kubeatlas.app.cli import main


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    root = write_tree(tmp_path_factory.mktemp("cli") / "kubernetes", RECENT)
    path = root.parent / "index.sqlite"
    assert main(["index", str(root), "--db", str(path), "--jobs", "1", "--json"]) == 0
    return str(path)


def run_json(capsys, *args: str):
    capsys.readouterr()
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_role_list_and_card(db, capsys):
    roles = {r["id"]: r for r in run_json(capsys, "role", "--db", db)}
    assert roles["role:cni"]["present"] is False and "v1.24" in roles["role:cni"]["note"]
    card = run_json(capsys, "role", "cri", "--db", db)
    assert "pkg:k8s.io/kubernetes/pkg/kubelet/cri/remote" in card["packages_by_path"]
    assert card["key_interfaces"][0]["implementers"] == [
        "type:k8s.io/kubernetes/pkg/kubelet/cri/remote.remoteRuntimeService"]


def test_kind_implements_interfaces_callers(db, capsys):
    card = run_json(capsys, "kind", "Deployment", "--db", db)
    assert card["kind"]["id"] == "kind:apps/v1.Deployment"
    assert ["RECONCILES", "pkg:k8s.io/kubernetes/pkg/controller/deployment"] in [
        r[:2] for r in card["relations"]]
    impl = run_json(capsys, "implements", "apis.RuntimeService", "--db", db)
    assert [i["type"] for i in impl["implementers"]] == [
        "type:k8s.io/kubernetes/pkg/kubelet/cri/remote.remoteRuntimeService"]
    ifaces = run_json(capsys, "interfaces", "remote.remoteRuntimeService", "--db", db)
    assert [i["interface"] for i in ifaces["interfaces"]] == [
        "type:k8s.io/cri-api/pkg/apis.RuntimeService"]
    callers = run_json(capsys, "callers", "kuberuntime.Start", "--db", db)
    assert [c["source"] for c in callers["callers"]] == ["func:k8s.io/kubernetes/pkg/kubelet.Run"]


def test_no_callers_is_one_line_not_an_empty_table(db, capsys):
    """A function nothing calls (a binary's main) is said in one line (before: an empty table
    whose long title wrapped in a column a few letters wide)."""
    capsys.readouterr()
    assert main(["callers", "func:k8s.io/kubernetes/cmd/kubelet.main", "--db", db]) == 0
    assert " ".join(capsys.readouterr().out.split()) == "no callers of func:k8s.io/kubernetes/cmd/kubelet.main"
    assert main(["callees", "func:k8s.io/kubernetes/pkg/util/hash.Sum", "--production", "--db", db]) == 0
    assert " ".join(capsys.readouterr().out.split()) == (
        "no callees of func:k8s.io/kubernetes/pkg/util/hash.Sum in production code")


def test_path_between_roles_packages_and_functions(db, capsys):
    assert run_json(capsys, "path", "kubelet", "cri", "--db", db)["chain"] == [
        "role:kubelet", "role:cri"]
    chain = run_json(capsys, "path", "kubelet.Run",
                     "remote.(*remoteRuntimeService).RunPodSandbox", "--db", db)["chain"]
    assert chain[0] == "func:k8s.io/kubernetes/pkg/kubelet.Run"
    assert chain[-1] == ("method:k8s.io/kubernetes/pkg/kubelet/cri/remote."
                         "(*remoteRuntimeService).RunPodSandbox")


def test_unknown_role_is_one_line_exit_2(db, capsys):
    assert main(["role", "no-such-role", "--db", db]) == 2
    assert "no-such-role" in capsys.readouterr().err


def test_export_carries_the_knowledge_edges(db, tmp_path):
    out = tmp_path / "g.json"
    assert main(["export", "--format", "json", str(out), "--db", db]) == 0
    graph = nx.node_link_graph(json.loads(out.read_text()), edges="edges")
    kinds = {d["kind"] for _, _, d in graph.edges(data=True)}
    assert kinds >= {"IN_ROLE", "IMPLEMENTS", "CALLS", "TALKS_TO", "DEFINES_KIND", "DEPENDS_ON",
                     "WATCHES", "RECONCILES", "STORES", "DISPATCHES"}


def test_callers_list_production_code_first_and_production_hides_tests(tmp_path, capsys):
    db = str(tmp_path / "ktree.sqlite")
    assert main(["index", str(FIXTURE_TREE), "--db", db, "--jobs", "1", "--json"]) == 0
    # by id the test function (func:…TestUpdatePod) sorts before the method (method:…Run)
    found = run_json(capsys, "callers", "kubelet.(PodWorkers).UpdatePod", "--db", db)
    assert [c["source"] for c in found["callers"]] == [
        "method:k8s.io/kubernetes/pkg/kubelet.(*Kubelet).Run",
        "func:k8s.io/kubernetes/pkg/kubelet.TestUpdatePod"]
    only = run_json(capsys, "callers", "kubelet.(PodWorkers).UpdatePod", "--production", "--db", db)
    assert [c["source"] for c in only["callers"]] == [
        "method:k8s.io/kubernetes/pkg/kubelet.(*Kubelet).Run"]
