"""`path` between a role, a package, code and a type of different kinds (a role stands for its
packages, a package for its code, a type for its methods, promoted ones included), and chains
that go around fakes: on a small tree where the fake's way is the shorter one."""

from __future__ import annotations

import pytest
from test_call_values import indexed_files, run_json

from kubeatlas.app.cli import main
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.query.chains import find_chains
from kubeatlas.graph.store.sqlite.reader import SqliteReader

FORMAT = "pkg:k8s.io/kubernetes/pkg/kubelet/util/format"
START = "func:k8s.io/kubernetes/pkg/kubelet/kuberuntime.Start"
IFACE = "method:k8s.io/cri-api/pkg/apis.(PodSandboxManager).RunPodSandbox"
REMOTE = "method:k8s.io/kubernetes/pkg/kubelet/cri/remote.(*remoteRuntimeService).RunPodSandbox"
FAKE = "method:k8s.io/cri-api/pkg/apis/testing.(*FakeRuntimeService).RunPodSandbox"

TREE = {
    "go.mod": "module k8s.io/kubernetes\n",
    "staging/src/k8s.io/cri-api/go.mod": "module k8s.io/cri-api\n",
    "staging/src/k8s.io/cri-api/pkg/apis/services.go": """package cri

type PodSandboxManager interface{ RunPodSandbox(name string) error }

type RuntimeService interface{ PodSandboxManager }
""",
    # the fake reaches format.Pod in one call, the real service in two: the fake's chain is
    # the shorter, and not how the kubelet runs
    "staging/src/k8s.io/cri-api/pkg/apis/testing/fake_runtime.go": """package testing

import "k8s.io/kubernetes/pkg/kubelet/util/format"

type FakeRuntimeService struct{}

func (f *FakeRuntimeService) RunPodSandbox(name string) error {
	format.Pod(name)
	format.OnlyFake()
	return nil
}
""",
    "pkg/kubelet/cri/remote/remote_runtime.go": """package remote

import "k8s.io/kubernetes/pkg/kubelet/util/format"

type remoteRuntimeService struct{}

func (r *remoteRuntimeService) RunPodSandbox(name string) error {
	r.log(name)
	return nil
}

func (r *remoteRuntimeService) log(name string) { format.Pod(name) }
""",
    "pkg/kubelet/util/format/pod.go":
        "package format\n\nfunc Pod(name string) string { return name }\n\nfunc OnlyFake() {}\n",
    "pkg/kubelet/kuberuntime/manager.go": """package kuberuntime

import cri "k8s.io/cri-api/pkg/apis"

var service cri.RuntimeService

func Start() { service.RunPodSandbox("p") }
""",
    "pkg/kubelet/kubelet.go": """package kubelet

import "k8s.io/kubernetes/pkg/kubelet/kuberuntime"

func Run() { kuberuntime.Start() }
""",
    "cmd/kubelet/kubelet.go":
        "package main\n\nimport \"k8s.io/kubernetes/pkg/kubelet\"\n\nfunc main() { kubelet.Run() }\n",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return indexed_files(tmp_path_factory.mktemp("bridge"), TREE)


def path_json(capsys, *args: str) -> dict:
    return run_json(capsys, "path", *args)


def hops(answer: dict) -> list[tuple[str, str]]:
    return [(h["kind"], h["id"]) for h in answer["hops"] or []]


def test_code_to_a_package_goes_around_the_fake(db, capsys):
    answer = path_json(capsys, "kuberuntime.Start", "pkg/kubelet/util/format", "--db", db)
    assert hops(answer) == [
        ("start", START), ("call", IFACE), ("dispatch", REMOTE),
        ("call", "method:k8s.io/kubernetes/pkg/kubelet/cri/remote.(*remoteRuntimeService).log"),
        ("call", "func:k8s.io/kubernetes/pkg/kubelet/util/format.Pod"), ("in", FORMAT)]
    assert answer["through_tests"] == []


def test_a_chain_only_a_fake_makes_is_given_and_said(db, capsys):
    answer = path_json(capsys, "kuberuntime.Start", "format.OnlyFake", "--db", db)
    assert hops(answer) == [("start", START), ("call", IFACE), ("dispatch", FAKE),
                            ("call", "func:k8s.io/kubernetes/pkg/kubelet/util/format.OnlyFake")]
    assert answer["through_tests"] == [FAKE]
    capsys.readouterr()
    assert main(["path", "kuberuntime.Start", "format.OnlyFake", "--db", db]) == 0
    assert "no chain avoids test code" in capsys.readouterr().out


def test_code_to_a_role_ends_in_the_roles_code(db, capsys):
    # kuberuntime is one of the CRI role's packages (the kubelet's side of the CRI)
    answer = path_json(capsys, "kubelet.Run", "cri", "--db", db)
    assert hops(answer) == [("start", "func:k8s.io/kubernetes/pkg/kubelet.Run"),
                            ("call", START), ("in", "role:cri")]


def test_role_to_package_and_package_to_role_follow_imports(db, capsys):
    # the fakes' package (cri-api/pkg/apis/testing) is in the role, imports format too and
    # sorts first: the chain starts at the real service's package instead
    answer = path_json(capsys, "cri", "pkg/kubelet/util/format", "--db", db)
    assert hops(answer) == [("start", "role:cri"),
                            ("contains", "pkg:k8s.io/kubernetes/pkg/kubelet/cri/remote"),
                            ("imports", FORMAT)]
    back = path_json(capsys, "pkg/kubelet", "cri", "--db", db)
    assert hops(back) == [("start", "pkg:k8s.io/kubernetes/pkg/kubelet"),
                          ("imports", "pkg:k8s.io/kubernetes/pkg/kubelet/kuberuntime"),
                          ("in", "role:cri")]


def test_package_to_code_starts_at_the_packages_code(db, capsys):
    answer = path_json(capsys, "pkg/kubelet", "format.Pod", "--db", db)
    assert hops(answer)[:2] == [("start", "pkg:k8s.io/kubernetes/pkg/kubelet"),
                                ("contains", "func:k8s.io/kubernetes/pkg/kubelet.Run")]
    assert [k for k, _ in hops(answer)][2:] == ["call", "call", "dispatch", "call", "call"]


def test_code_to_a_type_ends_at_one_of_its_methods_promoted_ones_too(db, capsys):
    answer = path_json(capsys, "kuberuntime.Start", "apis.RuntimeService", "--db", db)
    assert hops(answer) == [("start", START), ("call", IFACE),
                            ("in", "type:k8s.io/cri-api/pkg/apis.RuntimeService")]


def test_a_type_to_code_starts_at_its_methods(db, capsys):
    answer = path_json(capsys, "remote.remoteRuntimeService", "format.Pod", "--db", db)
    assert hops(answer) == [
        ("start", "type:k8s.io/kubernetes/pkg/kubelet/cri/remote.remoteRuntimeService"),
        ("contains", "method:k8s.io/kubernetes/pkg/kubelet/cri/remote.(*remoteRuntimeService).log"),
        ("call", "func:k8s.io/kubernetes/pkg/kubelet/util/format.Pod")]


def test_kinds_no_chain_can_join_say_why(db, capsys):
    for args, why in ((["apis.RuntimeService", "pkg/kubelet"], "a type joins code only"),
                      (["file:pkg/kubelet/kubelet.go", "kubelet"], "File nodes join none")):
        capsys.readouterr()
        with pytest.raises(SystemExit) as ended:
            main(["path", *args, "--db", db])
        assert ended.value.code == 1 and why in capsys.readouterr().out


def test_the_explorer_draws_the_same_bridged_chain(db, capsys):
    atlas = Atlas(SqliteReader(db))
    chains = find_chains(atlas, START, FORMAT, alternatives=2)
    best = chains.found[0]
    assert [(h.source, h.target, h.how) for h in best][-1] == (
        "func:k8s.io/kubernetes/pkg/kubelet/util/format.Pod", FORMAT, "is in")
    assert FAKE not in {h.target for h in best}
    cli = path_json(capsys, "kuberuntime.Start", "pkg/kubelet/util/format", "--db", db)
    assert [best[0].source, *(h.target for h in best)] == cli["chain"]
