"""The knowledge layer on small trees: roles from the catalog (path rules, reachability,
external imports, absence notes, variants), role dependencies, API kinds and their code,
minik8s illustrations."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import APPS_V1_TYPES, write_tree

from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.errors import AmbiguousName, CatalogError
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.index.stages import default_stages
from kubeatlas.graph.knowledge.catalog import load_catalog
from kubeatlas.graph.knowledge.illustrations import Illustrations
from kubeatlas.graph.model.schema import NodeKind
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.store.sqlite.reader import SqliteReader

META = "k8s.io/apimachinery/pkg/apis/meta/v1"
API_TYPES = APPS_V1_TYPES + "\ntype DeploymentSpec struct{ Paused bool }\n"

# A tree shaped like a recent release: CRI v1 in staging, no dockershim, runc for cgroups.
RECENT = {
    "go.mod": "module k8s.io/kubernetes\n",
    "staging/src/k8s.io/apimachinery/go.mod": "module k8s.io/apimachinery\n",
    "staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go":
        "package v1\n\ntype TypeMeta struct{ Kind string }\n",
    "staging/src/k8s.io/api/go.mod": "module k8s.io/api\n",
    "staging/src/k8s.io/api/apps/v1/types.go": API_TYPES,
    "staging/src/k8s.io/api/apps/v1beta1/types.go": API_TYPES.replace("package v1", "package v1beta1"),
    "staging/src/k8s.io/client-go/go.mod": "module k8s.io/client-go\n",
    "staging/src/k8s.io/client-go/informers/apps/v1/deployment.go":
        "package v1\n\ntype DeploymentInformer interface{ Run() }\n",
    "staging/src/k8s.io/cri-api/go.mod": "module k8s.io/cri-api\n",
    "staging/src/k8s.io/cri-api/pkg/apis/services.go":
        "package cri\n\ntype RuntimeService interface{ RunPodSandbox(name string) error }\n",
    "staging/src/k8s.io/cri-api/pkg/apis/runtime/v1/api.pb.go": "package v1\n\ntype PodSandbox struct{}\n",
    "pkg/apis/apps/types.go": "package apps\n\ntype Deployment struct{ Replicas int32 }\n",
    "pkg/registry/apps/deployment/storage/storage.go": "package storage\n\ntype REST struct{}\n",
    "pkg/controller/deployment/deployment_controller.go": """package deployment

import appsinformers "k8s.io/client-go/informers/apps/v1"

type DeploymentController struct{ synced bool }

func NewDeploymentController(dInformer appsinformers.DeploymentInformer) *DeploymentController {
	return &DeploymentController{}
}
""",
    "pkg/controller/disruption/disruption.go": """package disruption

import appsinformers "k8s.io/client-go/informers/apps/v1"

type DisruptionController struct{ d appsinformers.DeploymentInformer }
""",
    "pkg/kubelet/kubelet.go": """package kubelet

import (
	cri "k8s.io/cri-api/pkg/apis"
	"k8s.io/kubernetes/pkg/kubelet/kuberuntime"
	"k8s.io/kubernetes/pkg/util/hash"
)

var runtime cri.RuntimeService

func Run() { kuberuntime.Start(); hash.Sum() }
""",
    "pkg/kubelet/kuberuntime/manager.go": """package kuberuntime

import cri "k8s.io/cri-api/pkg/apis"

var service cri.RuntimeService

func Start() { service.RunPodSandbox("p") }
""",
    "pkg/kubelet/cri/remote/remote_runtime.go": """package remote

type remoteRuntimeService struct{}

func (r *remoteRuntimeService) RunPodSandbox(name string) error { return nil }
""",
    "pkg/kubelet/cm/cgroups.go": """package cm

import "github.com/opencontainers/runc/libcontainer/cgroups"

var _ = cgroups.IsCgroup2UnifiedMode
""",
    "pkg/util/hash/hash.go": "package hash\n\nfunc Sum() {}\n",
    "pkg/util/orphan/orphan.go": "package orphan\n",
    "cmd/kubelet/kubelet.go": """package main

import "k8s.io/kubernetes/pkg/kubelet"

func main() { kubelet.Run() }
""",
}

# The same places in a tree shaped like v1.20: CRI v1alpha2, dockershim calling CNI.
OLDER = {
    "go.mod": "module k8s.io/kubernetes\n",
    "staging/src/k8s.io/cri-api/go.mod": "module k8s.io/cri-api\n",
    "staging/src/k8s.io/cri-api/pkg/apis/runtime/v1alpha2/api.pb.go":
        "package v1alpha2\n\ntype PodSandbox struct{}\n",
    "pkg/kubelet/dockershim/docker_service.go": "package dockershim\n\ntype dockerService struct{}\n",
    "pkg/kubelet/dockershim/network/cni/cni.go": """package cni

import "github.com/containernetworking/cni/libcni"

var _ = libcni.CNIConfig{}
""",
}


def _index(root: Path, stages=None) -> Atlas:
    db = root.parent / f"{root.name}.sqlite"
    index_tree(describe_checkout(root), db, jobs=1, max_file_bytes=1 << 20,
               stages=stages or default_stages())
    return Atlas(SqliteReader(db))


@pytest.fixture(scope="module")
def recent(tmp_path_factory) -> Atlas:
    return _index(write_tree(tmp_path_factory.mktemp("recent") / "kubernetes", RECENT))


@pytest.fixture(scope="module")
def older(tmp_path_factory) -> Atlas:
    return _index(write_tree(tmp_path_factory.mktemp("older") / "kubernetes", OLDER))


def _in_role(atlas: Atlas, package: str) -> dict[str, tuple[str, str]]:
    return {e.target: (e.attrs["how"], e.attrs["evidence"])
            for e in atlas.neighbours(package, ("IN_ROLE",))}


def test_path_rules_map_packages_with_the_most_specific_rule_as_evidence(recent):
    roles = _in_role(recent, "pkg:k8s.io/kubernetes/pkg/kubelet/kuberuntime")
    assert roles == {"role:kubelet": ("path", "path rule pkg/kubelet/"),
                     "role:cri": ("path", "path rule pkg/kubelet/kuberuntime/")}
    assert _in_role(recent, "pkg:k8s.io/client-go/informers/apps/v1") == {
        "role:client-go": ("path", "path rule staging/src/k8s.io/client-go/"),
        "role:informer-machinery": ("path", "path rule staging/src/k8s.io/client-go/informers/")}


def test_unclaimed_packages_join_the_binaries_that_reach_them(recent):
    hash_pkg = "pkg:k8s.io/kubernetes/pkg/util/hash"
    assert _in_role(recent, hash_pkg) == {
        "role:kubelet": ("reachable", "in the import closure of cmd/kubelet")}
    assert recent.node(hash_pkg).attrs["binaries"] == ["kubelet"]
    assert _in_role(recent, "pkg:k8s.io/kubernetes/pkg/util/orphan") == {}
    assert recent.stats()["tree"]["figures"]["roles"]["packages_unmapped"] == 1


def test_external_imports_make_a_role_present(recent):
    oci = recent.node("role:oci-runtime").attrs
    assert oci["present"] is True and oci["note"] == ""
    members = recent.neighbours("role:oci-runtime", ("IN_ROLE",), reverse=True)
    assert [(e.source, e.attrs["how"]) for e in members] == [
        ("ext:github.com/opencontainers/runc/libcontainer/cgroups", "external")]


@pytest.mark.parametrize("role, present_recent, present_older", [
    ("dockershim", False, True), ("cni", False, True), ("cri", True, True),
    ("kube-scheduler", False, False),
])
def test_roles_absent_from_a_release_say_so(recent, older, role, present_recent, present_older):
    for atlas, present in ((recent, present_recent), (older, present_older)):
        attrs = atlas.node(f"role:{role}").attrs
        assert attrs["present"] is present
        assert bool(attrs["note"]) is (not present and bool(load_catalog().role(role).absent_note))


def test_variants_tell_the_cri_generation(recent, older):
    assert recent.node("role:cri").attrs["variants"] == ["CRI v1"]
    assert older.node("role:cri").attrs["variants"] == ["CRI v1alpha2"]


def test_role_card_lists_interfaces_implementers_and_neighbours(recent):
    card = recent.role_summary("role:cri")
    assert card["key_interfaces"] == [{
        "id": "type:k8s.io/cri-api/pkg/apis.RuntimeService",
        "implementers": ["type:k8s.io/kubernetes/pkg/kubelet/cri/remote.remoteRuntimeService"]}]
    assert card["role"]["missing_interfaces"] == ["k8s.io/cri-api/pkg/apis.ImageManagerService"]
    kubelet = recent.role_summary("role:kubelet")
    assert {"role": "role:cri", "protocol": "gRPC (CRI) over a unix socket"} in kubelet["talks_to"]
    # pkg/kubelet -> cri-api counts; pkg/kubelet -> kuberuntime (kubelet's too) does not
    assert [(d["role"], d["weight"]) for d in kubelet["depends_on"]] == [("role:cri", 1)]


def test_api_kinds_from_types_embedding_typemeta(recent):
    kinds = {n.id: n.attrs for n in recent.find("Deployment", ["ApiKind"])
             if n.name == "Deployment"}
    assert set(kinds) == {"kind:apps/v1.Deployment", "kind:apps/v1beta1.Deployment"}
    assert kinds["kind:apps/v1.Deployment"]["resource"] is True
    assert kinds["kind:apps/v1.Deployment"]["versions"] == ["v1", "v1beta1"]
    assert recent.resolve("Deployment", [NodeKind.API_KIND]) == "kind:apps/v1.Deployment"
    assert kinds["kind:apps/v1.Deployment"]["preferred"] is True
    assert recent.find("DeploymentSpec", ["ApiKind"]) == []  # no TypeMeta, not a kind


def test_kind_card_has_types_storage_watchers_and_reconciler(recent):
    relations = {(rel, node) for rel, node, _ in
                 recent.kind_summary("kind:apps/v1.Deployment")["relations"]}
    assert relations == {
        ("DEFINES_KIND", "type:k8s.io/api/apps/v1.Deployment"),
        ("DEFINES_KIND", "type:k8s.io/kubernetes/pkg/apis/apps.Deployment"),
        ("STORES", "pkg:k8s.io/kubernetes/pkg/registry/apps/deployment/storage"),
        ("WATCHES", "pkg:k8s.io/kubernetes/pkg/controller/deployment"),
        ("WATCHES", "pkg:k8s.io/kubernetes/pkg/controller/disruption"),
        ("RECONCILES", "pkg:k8s.io/kubernetes/pkg/controller/deployment"),
    }


def test_ambiguous_kind_names_across_groups_stay_ambiguous(tmp_path):
    tree = dict(RECENT)
    tree["staging/src/k8s.io/api/extensions/v1/types.go"] = API_TYPES
    atlas = _index(write_tree(tmp_path / "kubernetes", tree))
    with pytest.raises(AmbiguousName):
        atlas.resolve("Deployment")


def test_illustrations_link_mini_components_and_report_missing_targets(tmp_path):
    links = tmp_path / "links.yaml"
    links.write_text("components:\n  - id: kubelet\n    module: minik8s/kubelet.py\n"
                     "    summary: {en: the node agent, zh: 节点代理}\n"
                     "    illustrates:\n      - func:k8s.io/kubernetes/pkg/kubelet.Run\n"
                     "      - func:k8s.io/kubernetes/pkg/kubelet.Gone\n"
                     "  - id: etcd\n    summary: {en: a store, zh: 存储}\n"
                     "    illustrates: [func:go.etcd.io/etcd.Put]\n", encoding="utf-8")
    stages = [*default_stages()[:-1], ("mini", Illustrations(links))]
    atlas = _index(write_tree(tmp_path / "kubernetes", RECENT), stages)
    node = atlas.node("mini:kubelet")
    assert (node.attrs["summary"], node.attrs["summary_zh"]) == ("the node agent", "节点代理")
    assert node.attrs["missing"] == ["func:k8s.io/kubernetes/pkg/kubelet.Gone"]
    assert [e.target for e in atlas.neighbours("mini:kubelet", ("ILLUSTRATES",))] == [
        "func:k8s.io/kubernetes/pkg/kubelet.Run"]
    assert not atlas.reader.get_nodes(["mini:etcd"])  # nothing it mirrors is in this tree
    assert atlas.stats()["tree"]["figures"]["mini"]["missing"] == [
        "func:go.etcd.io/etcd.Put", "func:k8s.io/kubernetes/pkg/kubelet.Gone"]


@pytest.mark.parametrize("text, message", [
    ("roles: [", "not valid YAML"),
    ("nothing: 1", "top-level `roles:`"),
    ("roles:\n  - id: x\n    plane: moon\n", "plane 'moon'"),
    ("roles:\n  - id: x\n    plane: node\n    summary: {en: a, zh: b}\n    paths: [pkg/x]\n"
     "    talks_to: [{role: y, protocol: p}]\n", "unknown role 'y'"),
    # an absent note in one language only: a Chinese reader would read it in English
    ("roles:\n  - id: x\n    plane: node\n    summary: {en: a, zh: b}\n    paths: [pkg/x]\n"
     "    absent_note: Not here.\n", "absent_note.en and absent_note.zh"),
    ("roles:\n  - id: x\n    plane: node\n    summary: {en: a, zh: b}\n    paths: [pkg/x]\n"
     "    absent_note: {en: Not here.}\n", "absent_note.en and absent_note.zh"),
])
def test_a_broken_catalog_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "roles.yaml"
    path.write_text(text)
    with pytest.raises(CatalogError, match=message):
        load_catalog(path)


@pytest.mark.parametrize("summary", [
    "the node agent",  # the old form, English only: a Chinese reader would read it in English
    "{en: the node agent}",
    "{zh: 节点代理}",
    "{en: the node agent, zh: ''}",
    None,
])
def test_a_mini_component_without_a_summary_in_both_languages_is_refused(tmp_path, summary):
    links = tmp_path / "links.yaml"
    links.write_text("components:\n  - id: kubelet\n    module: minik8s/kubelet.py\n"
                     + (f"    summary: {summary}\n" if summary else "")
                     + "    illustrates: [func:k8s.io/kubernetes/pkg/kubelet.Run]\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"links.yaml: component kubelet needs summary.en and summary.zh"):
        Illustrations(links)


def test_the_shipped_catalog_names_every_role_the_architecture_draws():
    ids = {r.id for r in load_catalog().roles}
    assert ids >= {"kube-apiserver", "etcd-storage", "kube-scheduler", "kube-controller-manager",
                   "cloud-controller-manager", "kubelet", "kube-proxy", "cri", "oci-runtime",
                   "cni", "csi", "device-plugin", "client-go", "apimachinery", "api-types",
                   "component-base", "admission", "informer-machinery", "kubectl", "kubeadm"}
