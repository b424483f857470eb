"""Releases side by side: `kubeatlas diff OLD.db NEW.db` and `kubeatlas notes changes` on two
trees of different shape — a v1.19/v1.20-shaped tree (dockershim calling CNI, CRI v1alpha2, the
exported `RemoteRuntimeService` in pkg/kubelet/remote, `genericScheduler`, Deployments in
apps/v1beta1) against the notes' v1.28-shaped tree — and notes of the old tree that cite present
code under its own spelling instead of calling it absent."""

from __future__ import annotations

import json

import pytest
from conftest import APPS_V1_TYPES, write_tree
from test_knowledge import OLDER
from test_notes import build_index

from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.app.cli import main
from kubeatlas.graph.diff.release import diff_releases
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.index.stages import default_stages
from kubeatlas.graph.notes.changes import changes_markdown
from kubeatlas.graph.notes.render import build_note
from kubeatlas.graph.notes.verify import check_claims
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.store.sqlite.reader import SqliteReader

V119 = {
    **OLDER,
    "staging/src/k8s.io/apimachinery/go.mod": "module k8s.io/apimachinery\n",
    "staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go":
        "package v1\n\ntype TypeMeta struct{ Kind string }\n",
    "staging/src/k8s.io/api/go.mod": "module k8s.io/api\n",
    "staging/src/k8s.io/api/apps/v1beta1/types.go": APPS_V1_TYPES.replace("package v1\n", "package v1beta1\n"),
    "staging/src/k8s.io/cri-api/pkg/apis/services.go": """package cri

type PodSandboxManager interface {
	RunPodSandbox(name string) error
	Version() string
}

type RuntimeService interface {
	PodSandboxManager
}
""",
    "pkg/kubelet/remote/remote_runtime.go": """package remote

import cri "k8s.io/cri-api/pkg/apis"

var _ cri.RuntimeService = &RemoteRuntimeService{}

type RemoteRuntimeService struct{ endpoint string }

func (r *RemoteRuntimeService) RunPodSandbox(name string) error { return nil }

func (r *RemoteRuntimeService) Version() string { return "0.1.0" }
""",
    "pkg/kubelet/kuberuntime/manager.go": """package kuberuntime

import cri "k8s.io/cri-api/pkg/apis"

type kubeGenericRuntimeManager struct{ runtimeService cri.RuntimeService }

func (m *kubeGenericRuntimeManager) createPodSandbox(pod string) error {
	return m.runtimeService.RunPodSandbox(pod)
}
""",
    "pkg/scheduler/core/generic_scheduler.go": """package core

type genericScheduler struct{ nodes []string }

func (g *genericScheduler) Schedule(pod string) string { return g.nodes[0] }
""",
    "pkg/scheduler/scheduler.go": """package scheduler

import "k8s.io/kubernetes/pkg/scheduler/core"

type Scheduler struct{ Algorithm *core.Algorithm }

func (sched *Scheduler) scheduleOne() {}
""",
    "cmd/kubelet/kubelet.go": """package main

import "k8s.io/kubernetes/cmd/kubelet/app"

func main() {
	command := app.NewKubeletCommand()
	command.Execute()
}
""",
    "cmd/kubelet/app/server.go": """package app

type Command struct{ Use string }

func (c *Command) Execute() error { return nil }

func NewKubeletCommand() *Command { return &Command{Use: "kubelet"} }
""",
}


@pytest.fixture(scope="module")
def trees(tmp_path_factory) -> tuple[Atlas, Atlas, object]:
    old_root = write_tree(tmp_path_factory.mktemp("v119") / "kubernetes", V119)
    old_db = old_root.parent / "old.sqlite"
    index_tree(describe_checkout(old_root), old_db, jobs=1, max_file_bytes=1 << 20, stages=default_stages())
    new_db = build_index(tmp_path_factory.mktemp("v128") / "kubernetes")
    return Atlas(SqliteReader(old_db)), Atlas(SqliteReader(new_db)), (old_db, new_db, old_root)


def test_roles_and_interface_generations_that_change(trees):
    old, new, _ = trees
    d = diff_releases(old, new)
    assert {"dockershim", "cni"} <= set(d.roles_removed)
    assert {"role": "cri", "old": ["CRI v1alpha2"], "new": ["CRI v1"]} in d.variants


def test_packages_moved_and_api_kinds_graduated(trees):
    d = diff_releases(*trees[:2])
    assert {"old": "k8s.io/kubernetes/pkg/kubelet/remote",
            "new": "k8s.io/kubernetes/pkg/kubelet/cri/remote"} in d.packages_moved
    assert "k8s.io/kubernetes/pkg/kubelet/dockershim" in d.packages_removed
    assert "k8s.io/kubernetes/pkg/scheduler/framework" in d.packages_added
    assert {"kind": "apps/Deployment", "old": "v1beta1", "new": "v1"} in d.kinds_graduated
    assert "apps/v1.Deployment" in d.kinds_added and "apps/v1beta1.Deployment" in d.kinds_removed


def test_key_interface_methods_and_main_loop_functions(trees):
    d = diff_releases(*trees[:2])
    assert {"id": "type:k8s.io/cri-api/pkg/apis.RuntimeService", "added": [],
            "removed": ["Version"]} in d.interfaces  # through the embedded PodSandboxManager
    renamed = {(a["old"], a["new"]) for a in d.anchors if a["role"] == "kube-scheduler"}
    assert ("method:k8s.io/kubernetes/pkg/scheduler/core.(*genericScheduler).Schedule",
            "method:k8s.io/kubernetes/pkg/scheduler.(*Scheduler).schedulePod") in renamed
    gone_or_new = {a["new"] for a in d.anchors if a["role"] == "kube-scheduler" and not a["old"]}
    assert "method:k8s.io/kubernetes/pkg/scheduler.(*Scheduler).Run" in gone_or_new


def test_diff_and_notes_changes_commands(trees, capsys):
    old_db, new_db, _ = trees[2]
    assert main(["diff", str(old_db), str(new_db), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "dockershim" in data["roles_removed"] and data["new"] == "v1.28.0"
    assert main(["notes", "changes", "--from", str(old_db), "--to", str(new_db), "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# 从 ") and "离开的角色" in text and "`dockershim`" in text
    assert "移动：`k8s.io/kubernetes/pkg/kubelet/remote` → `k8s.io/kubernetes/pkg/kubelet/cri/remote`" in text
    assert changes_markdown(diff_releases(*trees[:2]).as_json()).startswith("# What changed from ")


def test_diff_table_says_only_the_methods_that_changed(trees, capsys):
    """RuntimeService lost Version and gained nothing: the row read `+ -Version`."""
    old_db, new_db, _ = trees[2]
    capsys.readouterr()
    assert main(["diff", str(old_db), str(new_db)]) == 0
    row = next(ln for ln in capsys.readouterr().out.splitlines()
               if "methods of type:k8s.io/cri-api/pkg/apis.RuntimeService" in ln)
    assert row.split("│")[2].strip() == "-Version", row


def test_diff_errors_are_one_line(tmp_path, capsys):
    assert main(["diff", str(tmp_path / "nope.sqlite"), str(tmp_path / "nope2.sqlite")]) == 2
    assert "no index at" in capsys.readouterr().err
    assert main(["notes", "changes", "--to", str(tmp_path)]) == 2


def test_old_tree_notes_cite_present_code_under_its_own_spelling(trees):
    old, _, (_, _, old_root) = trees
    flow = build_note(old, "deployment-flow")
    assert "`remote.(*RemoteRuntimeService).RunPodSandbox`" in flow.markdown
    assert "(spelled `remote.(*RemoteRuntimeService).RunPodSandbox` in this tree)" in flow.markdown
    assert "remoteRuntimeService).RunPodSandbox` is not declared" not in flow.markdown
    for subject in ("deployment-flow", "kubelet", "cri", "dockershim"):
        note = build_note(old, subject)
        assert check_claims(list(note.claims), old_root) == [], subject
    cri = build_note(old, "cri").markdown
    assert "`remote.RemoteRuntimeService`" in cri  # the exported 1.19 client implements RuntimeService

