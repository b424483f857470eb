"""Study notes on a small tree shaped like Kubernetes: golden Markdown for a role and for the
Deployment-creation flow, every citation read back and checked against the tree, stale
citations reported after the tree moves, and `kubeatlas notes` through the real entry point.

Regenerate the goldens after an intended change with KUBEATLAS_UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import APPS_V1_TYPES, write_tree

from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.app.cli import main
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.index.stages import default_stages
from kubeatlas.graph.notes.citation import (
    Citation,
    bare_name,
    check_citations,
    parse_citations,
    source_url,
)
from kubeatlas.graph.notes.render import build_note, flow_note, role_note
from kubeatlas.graph.notes.source import PackageContents, key_declarations
from kubeatlas.graph.query.atlas import Atlas, NodeRecord
from kubeatlas.graph.store.sqlite.reader import SqliteReader

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("KUBEATLAS_UPDATE_GOLDEN") == "1"
A = "staging/src/k8s.io/apiserver"

# The Deployment-creation flow in miniature: every hop the flow note cites, one missing (the
# watch cache), plus roles with entry points, key interfaces and an API kind.
NOTES_TREE = {
    "go.mod": "module k8s.io/kubernetes\n",
    "staging/src/k8s.io/kubectl/go.mod": "module k8s.io/kubectl\n",
    "staging/src/k8s.io/kubectl/pkg/cmd/create/create.go": """package create

import "k8s.io/cli-runtime/pkg/resource"

type CreateOptions struct{ helper *resource.Helper }

func NewCmdCreate() *CreateOptions { return &CreateOptions{} }

func (o *CreateOptions) RunCreate() error {
	return o.helper.Create("default")
}
""",
    "staging/src/k8s.io/cli-runtime/go.mod": "module k8s.io/cli-runtime\n",
    "staging/src/k8s.io/cli-runtime/pkg/resource/helper.go": """package resource

type Helper struct{ Resource string }

func (m *Helper) Create(namespace string) error { return nil }
""",
    f"{A}/go.mod": "module k8s.io/apiserver\n",
    f"{A}/pkg/endpoints/handlers/create.go": """package handlers

import "k8s.io/apiserver/pkg/registry/generic/registry"

func createHandler(store *registry.Store) { store.Create("obj") }
""",
    f"{A}/pkg/admission/interfaces.go": """package admission

// Interface is an abstract, pluggable interface for Admission Control decisions.
type Interface interface {
	Handles(operation string) bool
}
""",
    f"{A}/pkg/registry/generic/registry/store.go": """package registry

import "k8s.io/apiserver/pkg/storage"

type Store struct{ Storage storage.Interface }

func (e *Store) Create(obj string) error {
	return e.Storage.Create(obj)
}
""",
    f"{A}/pkg/storage/interfaces.go": """package storage

type Interface interface {
	Create(obj string) error
}
""",
    f"{A}/pkg/storage/etcd3/store.go": """package etcd3

type store struct{ prefix string }

func (s *store) Create(obj string) error { return nil }
""",
    "staging/src/k8s.io/client-go/go.mod": "module k8s.io/client-go\n",
    "staging/src/k8s.io/client-go/informers/apps/v1/deployment.go":
        "package v1\n\ntype DeploymentInformer interface{ Run() }\n",
    "pkg/apis/apps/types.go": "package apps\n\ntype Deployment struct{ Replicas int32 }\n",
    "pkg/controller/deployment/deployment_controller.go": """package deployment

import appsinformers "k8s.io/client-go/informers/apps/v1"

type DeploymentController struct{ dInformer appsinformers.DeploymentInformer }

func (dc *DeploymentController) syncDeployment(key string) error {
	_, err := dc.getNewReplicaSet(key)
	return err
}
""",
    "pkg/controller/deployment/sync.go": """package deployment

func (dc *DeploymentController) getNewReplicaSet(key string) (string, error) { return key, nil }
""",
    "pkg/controller/controller_utils.go": """package controller

type PodControlInterface interface {
	CreatePods(namespace string) error
}

type RealPodControl struct{ Recorder string }

func (r RealPodControl) CreatePods(namespace string) error { return nil }
""",
    "pkg/controller/replicaset/replica_set.go": """package replicaset

import "k8s.io/kubernetes/pkg/controller"

type ReplicaSetController struct{ podControl controller.PodControlInterface }

func (rsc *ReplicaSetController) syncReplicaSet(key string) error {
	return rsc.manageReplicas(key)
}

func (rsc *ReplicaSetController) manageReplicas(ns string) error {
	return rsc.podControl.CreatePods(ns)
}
""",
    "pkg/scheduler/schedule_one.go": """package scheduler

type Scheduler struct{ Name string }

func (sched *Scheduler) scheduleOne() {
	node := sched.schedulePod()
	sched.bind(node)
}

func (sched *Scheduler) schedulePod() string { return "node-1" }

func (sched *Scheduler) bind(node string) {}
""",
    "cmd/kube-scheduler/scheduler.go": """package main

import "k8s.io/kubernetes/pkg/scheduler"

func main() { (&scheduler.Scheduler{}).Run() }
""",
    "pkg/scheduler/run.go": "package scheduler\n\nfunc (sched *Scheduler) Run() { sched.scheduleOne() }\n",
    "staging/src/k8s.io/cri-api/go.mod": "module k8s.io/cri-api\n",
    "staging/src/k8s.io/cri-api/pkg/apis/services.go": """package cri

type PodSandboxManager interface {
	RunPodSandbox(name string) error
}

type RuntimeService interface {
	PodSandboxManager
}
""",
    "pkg/kubelet/container/runtime.go": """package container

// Runtime is what the kubelet asks of a container runtime.
type Runtime interface {
	SyncPod(pod string)
}
""",
    "pkg/kubelet/kubelet.go": """package kubelet

import (
	cri "k8s.io/cri-api/pkg/apis"
	"k8s.io/kubernetes/pkg/kubelet/kuberuntime"
)

type Kubelet struct {
	podWorkers *podWorkers
	runtime    cri.RuntimeService
}

func Run() { (&Kubelet{}).syncLoop() }

func (kl *Kubelet) syncLoop() { kl.HandlePodAdditions("pod") }

func (kl *Kubelet) HandlePodAdditions(pod string) { kl.podWorkers.UpdatePod(kl, pod) }

func (kl *Kubelet) SyncPod(pod string) { kuberuntime.NewManager().SyncPod(pod) }
""",
    "pkg/kubelet/pod_workers.go": """package kubelet

type podWorkers struct{ count int }

func (p *podWorkers) UpdatePod(kl *Kubelet, pod string) { kl.SyncPod(pod) }
""",
    "pkg/kubelet/kuberuntime/manager.go": """package kuberuntime

import cri "k8s.io/cri-api/pkg/apis"

type kubeGenericRuntimeManager struct{ runtimeService cri.RuntimeService }

func NewManager() *kubeGenericRuntimeManager { return &kubeGenericRuntimeManager{} }

func (m *kubeGenericRuntimeManager) SyncPod(pod string) { m.createPodSandbox(pod) }

func (m *kubeGenericRuntimeManager) createPodSandbox(pod string) error {
	return m.runtimeService.RunPodSandbox(pod)
}
""",
    "pkg/kubelet/cri/remote/remote_runtime.go": """package remote

type remoteRuntimeService struct{ endpoint string }

func (r *remoteRuntimeService) RunPodSandbox(name string) error { return nil }
""",
    "cmd/kubelet/kubelet.go": """package main

import "k8s.io/kubernetes/pkg/kubelet"

func main() {
	kubelet.Run()
}
""",
    "staging/src/k8s.io/apimachinery/go.mod": "module k8s.io/apimachinery\n",
    "staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go":
        "package v1\n\ntype TypeMeta struct{ Kind string }\n",
    "staging/src/k8s.io/api/go.mod": "module k8s.io/api\n",
    "staging/src/k8s.io/api/apps/v1/types.go": APPS_V1_TYPES,
    "pkg/registry/apps/deployment/storage/storage.go": "package storage\n\ntype REST struct{}\n",
}


def build_index(root: Path) -> Path:
    """Write NOTES_TREE as a git checkout (fixed author and dates, so a fixed commit) tagged
    v1.28.0, and index it next to the tree."""
    if shutil.which("git") is None:
        pytest.skip("git is needed to pin the small tree to a commit")
    write_tree(root, NOTES_TREE)
    env = {**os.environ, "GIT_AUTHOR_NAME": "kubeatlas", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "kubeatlas", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_AUTHOR_DATE": "2024-02-14T12:00:00+00:00",
           "GIT_COMMITTER_DATE": "2024-02-14T12:00:00+00:00", "GIT_CONFIG_GLOBAL": os.devnull}
    for args in (["init", "-q"], ["add", "-A"], ["-c", "commit.gpgsign=false", "commit", "-q",
                                                  "-m", "small tree"], ["tag", "v1.28.0"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    db = root.parent / "notes.sqlite"
    index_tree(describe_checkout(root), db, jobs=1, max_file_bytes=1 << 20,
               stages=default_stages())
    return db


@pytest.fixture(scope="module")
def notes_db(tmp_path_factory) -> Path:
    return build_index(tmp_path_factory.mktemp("notes") / "kubernetes")


@pytest.fixture(scope="module")
def atlas(notes_db) -> Atlas:
    return Atlas(SqliteReader(notes_db))


@pytest.mark.parametrize("subject", ["kubelet", "deployment-flow"])
def test_note_matches_golden(atlas, subject):
    text = build_note(atlas, subject).markdown
    golden = GOLDEN / f"notes_{subject}.md"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"{golden} missing: run with KUBEATLAS_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("subject", ["kubelet", "cri", "kube-scheduler", "deployment-flow"])
def test_every_citation_is_read_back_and_holds_in_the_tree(atlas, notes_db, subject):
    note = build_note(atlas, subject)
    assert note.citations, "a note without citations cites nothing"
    assert parse_citations(note.markdown) == list(note.citations)
    assert check_citations(list(note.citations), notes_db.parent / "kubernetes") == []


def test_citations_link_to_the_pinned_commit(atlas):
    tree = atlas.stats()["tree"]
    commit = tree["commit"]
    assert len(commit) == 40 and tree["k8s_version"] == "v1.28.0"
    note = role_note(atlas, "role:kubelet")
    first = note.citations[0]
    assert source_url(tree, first.path, first.line) in note.markdown
    assert f"/blob/{commit}/{first.path}#L{first.line}" in note.markdown


def test_flow_note_walks_the_call_chain_and_names_what_is_missing(atlas):
    text = flow_note(atlas).markdown
    assert "`cacher.Cacher` is not in this tree." in text
    # manageReplicas reaches RealPodControl.CreatePods through the interface method
    assert "via `controller.(PodControlInterface).CreatePods`" in text
    cited = {bare_name(c.symbol) for c in flow_note(atlas).citations}
    assert {"RunCreate", "createHandler", "Create", "syncDeployment", "scheduleOne",
            "syncLoop", "SyncPod", "RunPodSandbox"} <= cited


def test_key_declarations_leave_out_generated_test_and_fake_code():
    def decl(name: str, path: str, **attrs) -> NodeRecord:
        return NodeRecord(f"type:k8s.io/x.{name}", "Type", name,
                          {"file": path, "line": 3, "exported": True, **attrs})

    files = (NodeRecord("file:x/types.go", "File", "types.go", {"path": "x/types.go"}),
             NodeRecord("file:x/zz_generated.deepcopy.go", "File", "zz_generated.deepcopy.go",
                        {"path": "x/zz_generated.deepcopy.go", "is_generated": True}))
    decls = (decl("Pod", "x/types.go"), decl("PodList", "x/zz_generated.deepcopy.go"),
             decl("FakePod", "x/types.go"), decl("PodCase", "x/types_test.go", is_test=True))
    contents = PackageContents(NodeRecord("pkg:k8s.io/x", "Package", "x"), files, decls, {})
    assert [d.name for d in key_declarations(contents)] == ["Pod"]


def test_stale_citations_are_reported(tmp_path, notes_db):
    root = tmp_path / "tree"
    shutil.copytree(notes_db.parent / "kubernetes", root, ignore=shutil.ignore_patterns(".git"))
    (root / "pkg/kubelet/kubelet.go").write_text("package kubelet\n\n// moved away\n")
    (root / "pkg/scheduler/schedule_one.go").unlink()
    citations = [Citation("pkg/kubelet/kubelet.go", 5, "kubelet.Kubelet"),
                 Citation("pkg/kubelet/kubelet.go", 2, "kubelet.Run"),
                 Citation("pkg/scheduler/schedule_one.go", 5, "scheduler.(*Scheduler).scheduleOne"),
                 Citation("pkg/kubelet/pod_workers.go", 3, "kubelet.podWorkers"),
                 Citation("pkg/kubelet/pod_workers.go", None, '"k8s.io/nowhere"')]
    reasons = [s.reason for s in check_citations(citations, root)]
    assert reasons == [
        "line 5 is past the end of pkg/kubelet/kubelet.go (3 lines)",
        "pkg/kubelet/kubelet.go:2 does not contain Run",
        f"pkg/scheduler/schedule_one.go does not exist in {root}",
        'pkg/kubelet/pod_workers.go no longer mentions "k8s.io/nowhere"',
    ]


def test_notes_command_writes_and_checks(tmp_path, notes_db, capsys):
    out = tmp_path / "kubelet.md"
    assert main(["notes", "kubelet", "--db", str(notes_db), "--out", str(out), "--check"]) == 0
    assert out.read_text() == (GOLDEN / "notes_kubelet.md").read_text()
    assert "citations hold" in capsys.readouterr().err
    assert main(["notes", "deployment-flow", "--db", str(notes_db)]) == 0
    assert capsys.readouterr().out.startswith("# Creating a Deployment")


def test_notes_command_checks_a_saved_note_against_a_moved_tree(tmp_path, notes_db, capsys):
    saved = tmp_path / "kubelet.md"
    text = (GOLDEN / "notes_kubelet.md").read_text()
    moved = parse_citations(text)[0]
    saved.write_text(text.replace(f"[{moved.label}]", f"[{moved.path}:{moved.line + 100}]"))
    with pytest.raises(SystemExit) as exit_:
        main(["notes", str(saved), "--check", "--db", str(notes_db)])
    assert exit_.value.code == 1
    assert "stale citations" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["notes", "no-such-role"], "nothing named 'no-such-role'"),
    (["notes", "kubelet", "--check", "--tree", "/nonexistent"], "no tree at"),
])
def test_notes_command_errors_are_one_line(notes_db, capsys, args, message):
    assert main([*args, "--db", str(notes_db)]) == 2
    assert message in capsys.readouterr().err
