"""The hand-written fixture tree (tests/fixtures/ktree): its graph equals the golden files,
the facts its README states hold, and where Go can be asked, Go agrees.

Regenerate the goldens after an intended change with KUBEATLAS_UPDATE_GOLDEN=1 and read the
diff: it is the change in what the index says about the tree."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXTURE_TREE, write_tree
from oracle import (
    TOOL,
    _go_env,
    build_tool,
    compare,
    go_available,
    go_imports,
    index_imports,
)

from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.index.stages import default_stages
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.store.sqlite.reader import SqliteReader

GOLDEN = Path(__file__).resolve().parent / "golden" / "ktree"
UPDATE = os.environ.get("KUBEATLAS_UPDATE_GOLDEN") == "1"

# Only the structural and resolution layers: roles, API kinds and later stages change often
# and are checked elsewhere, so their nodes, edges and attributes stay out of the goldens.
NODE_ATTRS = {
    "Tree": (),
    "Module": ("dir", "staging"),
    "Package": ("name", "dir", "module", "files", "test_files"),
    "ExternalPackage": ("std",),
    "File": ("package", "is_test", "is_generated", "build_expr", "problems"),
    "Type": ("type_kind", "file", "line", "exported", "test_helper", "generated", "variants"),
    "Function": ("file", "line", "end_line", "exported", "test_helper", "generated", "variants"),
    "Method": ("file", "line", "end_line", "pointer_receiver", "abstract", "test_helper",
               "generated", "variants"),
}
EDGE_ATTRS = {
    "CONTAINS": (), "DECLARES": (), "HAS_METHOD": (), "EMBEDS": ("pointer",),
    "IMPORTS": ("files", "test_only", "platforms"),
    "IMPLEMENTS": ("via_pointer", "confidence"),
    "CALLS": ("via", "count"),
    "REFERENCES": ("via", "file", "line"),
    "VARIANT_CALLS": ("variants",),
    "HANDS_OFF": ("via", "field", "line", "to_line"),
}
EDGE_FILES = {  # golden file -> the edge kinds it lists
    "structure.tsv": ("CONTAINS", "DECLARES", "HAS_METHOD", "EMBEDS"),
    "imports.tsv": ("IMPORTS",),
    "implements.tsv": ("IMPLEMENTS",),
    "calls.tsv": ("CALLS", "REFERENCES", "VARIANT_CALLS", "HANDS_OFF"),
}

K = "k8s.io/kubernetes/pkg"
CRI = "k8s.io/cri-api/pkg/apis"
REMOTE = f"{K}/kubelet/cri/remote"
KUBERUNTIME = f"{K}/kubelet/kuberuntime"
MANAGER = f"{KUBERUNTIME}.(*kubeGenericRuntimeManager)"


# --- the index of the fixture tree, once per module --------------------------------------------

@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    if not FIXTURE_TREE.is_dir():
        pytest.fail("tests/fixtures/ktree is missing")
    path = tmp_path_factory.mktemp("ktree") / "ktree.sqlite"
    index_tree(describe_checkout(FIXTURE_TREE), path, jobs=1, max_file_bytes=8 << 20,
               stages=default_stages())
    return path


@pytest.fixture(scope="module")
def graph(db) -> dict:
    """{"nodes": {id: (kind, attrs)}, "edges": {kind: {(source, target): attrs}}, "problems"}"""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        nodes = {i: (k, json.loads(a)) for i, k, a in
                 conn.execute("SELECT id, kind, attrs FROM nodes")}
        edges: dict[str, dict] = {}
        for s, t, k, a in conn.execute("SELECT source, target, kind, attrs FROM edges"):
            edges.setdefault(k, {})[(s, t)] = json.loads(a)
        problems = sorted(conn.execute("SELECT file, kind, message, line FROM problems"))
    return {"nodes": nodes, "edges": edges, "problems": problems}


def edge(graph: dict, kind: str, source: str, target: str) -> dict | None:
    return graph["edges"].get(kind, {}).get((source, target))


# --- golden files --------------------------------------------------------------------------------

def _attrs(attrs: dict, keys: tuple[str, ...]) -> str:
    return json.dumps({k: attrs[k] for k in keys if k in attrs}, sort_keys=True)


def render_goldens(graph: dict) -> dict[str, str]:
    """The golden files' texts: sorted, one fact a line, tab-separated."""
    nodes = sorted((kind, nid, attrs) for nid, (kind, attrs) in graph["nodes"].items()
                   if kind in NODE_ATTRS)
    out = {"nodes.tsv": "".join(f"{kind}\t{nid}\t{_attrs(attrs, NODE_ATTRS[kind])}\n"
                                for kind, nid, attrs in nodes)}
    for name, kinds in EDGE_FILES.items():
        rows = sorted((kind, s, t, _attrs(a, EDGE_ATTRS[kind]))
                      for kind in kinds for (s, t), a in graph["edges"].get(kind, {}).items())
        out[name] = "".join("\t".join(row) + "\n" for row in rows)
    out["problems.tsv"] = "".join(f"{f}\t{k}\t{m}\t{line}\n"
                                  for f, k, m, line in graph["problems"])
    counts = Counter(kind for kind, _, _ in nodes)
    counts.update({kind: len(graph["edges"].get(kind, {})) for kind in EDGE_ATTRS})
    counts["problems"] = len(graph["problems"])
    out["summary.json"] = json.dumps(dict(sorted(counts.items())), indent=1) + "\n"
    return out


GOLDEN_NAMES = ("summary.json", "nodes.tsv", "structure.tsv", "imports.tsv", "implements.tsv",
                "calls.tsv", "problems.tsv")


@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_graph_equals_golden(graph, name):
    text = render_goldens(graph)[name]
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} missing: run with KUBEATLAS_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden; if the change is intended, regenerate with "
        "KUBEATLAS_UPDATE_GOLDEN=1 and review the diff")


# --- discovery: what is read, once ---------------------------------------------------------------

SKIPPED_MARKERS = ("vendor/", "/testdata/", "/_output/", "_output/", "/.cache/", "/loop/",
                   "_disabled.go")


def _expected_files() -> set[str]:
    """An independent walk with the README's rules: the .go files the index must hold."""
    found = set()
    tops = [FIXTURE_TREE / d for d in ("pkg", "cmd", "plugin")]
    tops += sorted(p for p in (FIXTURE_TREE / "staging/src/k8s.io").iterdir() if p.is_dir())
    for top in tops:
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = [d for d in dirnames
                           if d not in ("vendor", "testdata") and d[0] not in "._"]
            for name in filenames:
                if name.endswith(".go") and name[0] not in "._":
                    found.add(Path(dirpath, name).relative_to(FIXTURE_TREE).as_posix())
    return found


def test_fixture_keeps_its_symlinks():
    for rel, target in [("vendor/k8s.io/api", "../../staging/src/k8s.io/api"),
                        ("vendor/k8s.io/client-go", "../../staging/src/k8s.io/client-go"),
                        ("pkg/kubelet/container/loop", "..")]:
        assert os.readlink(FIXTURE_TREE / rel) == target, rel


def test_every_file_read_once_and_nothing_skipped_is_read(graph):
    files = [a["path"] for k, a in graph["nodes"].values() if k == "File"]
    assert len(files) == len(set(files))
    assert set(files) == _expected_files()
    assert not [f for f in files if any(m in f for m in SKIPPED_MARKERS)]
    staging = [f for f in files if f.startswith("staging/")]
    assert len(staging) == 37  # each staging file once, none again through vendor/


def test_symlink_loop_terminates_and_is_not_followed(graph):
    packages = [a["dir"] for k, a in graph["nodes"].values() if k == "Package"]
    assert "pkg/kubelet/container" in packages
    assert not [p for p in packages if "loop" in p]


def test_modules_and_import_paths(graph):
    modules = {a["path"]: a["dir"] for k, a in graph["nodes"].values() if k == "Module"}
    assert modules == {
        "k8s.io/kubernetes": "",
        **{f"k8s.io/{r}": f"staging/src/k8s.io/{r}" for r in
           ("api", "apimachinery", "apiserver", "client-go", "component-base", "component-helpers",
                "cri-api")},
    }
    assert graph["nodes"]["pkg:k8s.io/client-go/tools/cache"][1]["dir"] == \
        "staging/src/k8s.io/client-go/tools/cache"


# --- bad input -----------------------------------------------------------------------------------

def test_problems_recorded_for_bad_files(graph):
    assert {(f, kind) for f, kind, _, _ in graph["problems"]} == {
        ("pkg/kubelet/container/broken.go", "syntax"),
        ("pkg/kubelet/container/bad_utf8.go", "encoding"),
        ("pkg/kubelet/container/empty.go", "empty"),
        ("pkg/proxy/nopackage.go", "no-package"),
    }


def test_syntax_error_after_imports_keeps_imports_and_decls(graph):
    assert edge(graph, "IMPORTS", f"pkg:{K}/kubelet/container", "ext:strings")
    assert f"func:{K}/kubelet/container.describe" in graph["nodes"]
    assert f"func:{K}/kubelet/container.BannerIsValid" in graph["nodes"]


@pytest.mark.parametrize("path, build_expr", [
    ("pkg/kubelet/kuberuntime/kuberuntime_container_linux.go", "linux"),
    ("pkg/kubelet/kuberuntime/kuberuntime_container_unsupported.go", "!linux && !windows"),
    ("pkg/kubelet/cm/devicemanager/endpoint_posix.go", "!windows"),  # legacy +build only
    ("pkg/kubelet/cm/devicemanager/socket_helpers.go", ""),  # +build without blank line
    ("pkg/kubelet/cm/devicemanager/topology_arm64.go", ""),  # the name is the constraint
    ("pkg/volume/csi/csi_mounter_helper.go", "linux"),
    ("pkg/scheduler/gen_plugins.go", "ignore"),
    ("staging/src/k8s.io/api/core/v1/zz_generated.deepcopy.go", "!ignore_autogenerated"),
])
def test_build_constraints(graph, path, build_expr):
    assert graph["nodes"][f"file:{path}"][1]["build_expr"] == build_expr


@pytest.mark.parametrize("source, target, platforms", [
    ("proxy", "golang.org/x/sys/unix", ["linux/386", "linux/amd64", "linux/arm", "linux/arm64",
                                        "linux/ppc64le", "linux/s390x"]),
    ("proxy", "golang.org/x/sys/windows", ["windows/amd64", "windows/arm64"]),
    ("kubelet/cm/devicemanager", "math/bits", ["darwin/arm64", "linux/arm64", "windows/arm64"]),
    ("kubelet/cm/devicemanager", "os", ["darwin/amd64", "darwin/arm64", "linux/386",
                                        "linux/amd64", "linux/arm", "linux/arm64",
                                        "linux/ppc64le", "linux/s390x"]),
    ("kubelet/cm/devicemanager", "strconv", ["all"]),
    ("scheduler", "text/template", []),  # only the //go:build ignore file imports it
])
def test_import_platforms(graph, source, target, platforms):
    assert edge(graph, "IMPORTS", f"pkg:{K}/{source}", f"ext:{target}")["platforms"] == platforms


def test_generated_and_test_files(graph):
    files = {a["path"]: a for k, a in graph["nodes"].values() if k == "File"}
    generated = {p for p, a in files.items() if a["is_generated"]}
    assert generated == {
        "staging/src/k8s.io/api/core/v1/zz_generated.deepcopy.go",
        "staging/src/k8s.io/api/apps/v1/zz_generated.deepcopy.go",
        "staging/src/k8s.io/cri-api/pkg/apis/runtime/v1/api.pb.go",
        "pkg/apis/apps/zz_generated.deepcopy.go",
        "pkg/apis/core/zz_generated.deepcopy.go",
    }
    tests = {p for p, a in files.items() if a["is_test"]}
    assert tests == {"pkg/kubelet/kubelet_test.go", "pkg/scheduler/scheduler_test.go",
                     "pkg/controller/deployment/deployment_controller_test.go",
                     "pkg/controller/callshapes/routes_test.go"}
    assert edge(graph, "IMPORTS", f"pkg:{K}/kubelet", "ext:testing")["test_only"] is True
    # the external test package scheduler_test is folded into its directory's package, and
    # its import of that package is no edge (it would read as the package importing itself)
    assert edge(graph, "IMPORTS", f"pkg:{K}/scheduler", f"pkg:{K}/scheduler") is None
    assert not [(s, t) for s, t in graph["edges"]["IMPORTS"] if s == t]


# --- structural typing ---------------------------------------------------------------------------

@pytest.mark.parametrize("type_, interface, via_pointer", [
    (f"{REMOTE}.remoteRuntimeService", f"{CRI}.RuntimeService", True),  # pointer receivers
    (f"{REMOTE}.FakeRuntimeService", f"{CRI}.RuntimeService", False),  # value receivers
    (f"{REMOTE}.countingRuntime", f"{CRI}.RuntimeService", False),  # promoted 2 levels deep
    (f"{KUBERUNTIME}.kubeGenericRuntimeManager", f"{KUBERUNTIME}.KubeGenericRuntime", True),
    (f"{KUBERUNTIME}.kubeGenericRuntimeManager", f"{K}/kubelet/container.Runtime", True),
    (f"{K}/registry/apps/deployment/storage.REST",  # promoted through an embedded *Store
     "k8s.io/apiserver/pkg/registry/rest.StandardStorage", False),
    ("k8s.io/api/core/v1.Pod", "k8s.io/apimachinery/pkg/runtime.Object", True),  # TypeMeta
    ("k8s.io/client-go/tools/cache.ResourceEventHandlerFuncs",
     "k8s.io/client-go/tools/cache.ResourceEventHandler", False),
    (f"{K}/scheduler/framework/plugins/noderesources.Fit",
     f"{K}/scheduler/framework.FilterPlugin", True),
])
def test_implements(graph, type_, interface, via_pointer):
    found = edge(graph, "IMPLEMENTS", f"type:{type_}", f"type:{interface}")
    assert found is not None, f"{type_} should implement {interface}"
    assert found["via_pointer"] is via_pointer


def test_near_miss_does_not_implement(graph):
    near = f"type:{REMOTE}.legacyRuntimeService"
    assert edge(graph, "IMPLEMENTS", near, f"type:{CRI}.RuntimeService") is None
    assert edge(graph, "IMPLEMENTS", near, f"type:{CRI}.PodSandboxManager") is None
    # the methods that do match still count: the miss is the one parameter type
    assert edge(graph, "IMPLEMENTS", near, f"type:{CRI}.ContainerManager") is not None


def test_implements_equals_go_types(graph, tmp_path):
    """Go's type checker over the same files (linux, windows and darwin together)."""
    if not go_available():
        pytest.skip("Go toolchain not found: go/types is the ground truth")
    binary = tmp_path / "implements"
    subprocess.run(["go", "build", "-o", str(binary), "./implements"], cwd=TOOL, check=True,
                   capture_output=True, timeout=300, env=_go_env())
    want: set[str] = set()
    for goos in ("linux", "windows", "darwin"):
        proc = subprocess.run([str(binary), "-root", str(FIXTURE_TREE), "-goos", goos],
                              check=True, capture_output=True, text=True, timeout=300)
        want.update(line for line in proc.stdout.splitlines() if line)
    have = {f"{s} -> {t} {'pointer' if a['via_pointer'] else 'value'}"
            for (s, t), a in graph["edges"].get("IMPLEMENTS", {}).items()}
    assert sorted(want - have) == [] and sorted(have - want) == []


# --- calls -------------------------------------------------------------------------------------

@pytest.mark.parametrize("caller, callee, via", [
    # pkg.F() through an aliased import (kubeletpkg "k8s.io/kubernetes/pkg/kubelet")
    ("func:k8s.io/kubernetes/cmd/kubelet.run", f"func:{K}/kubelet.NewMainKubelet", "direct"),
    # a local variable from a constructor: rs, err := remote.NewRemoteRuntimeService(...)
    (f"func:{K}/kubelet.NewMainKubelet", f"method:{CRI}.(RuntimeVersioner).Version",
     "interface"),
    # a composite literal: kubeRuntimeManager := &kubeGenericRuntimeManager{...}
    (f"func:{KUBERUNTIME}.NewKubeGenericRuntimeManager", f"method:{MANAGER}.getTypedVersion",
     "method"),
    # a struct field typed with the cri-api interface: m.runtimeService.RunPodSandbox(...)
    (f"method:{MANAGER}.createPodSandbox", f"method:{CRI}.(PodSandboxManager).RunPodSandbox",
     "interface"),
    (f"method:{MANAGER}.SyncPod", f"method:{MANAGER}.createPodSandbox", "method"),
    (f"method:{K}/controller/deployment.(*DeploymentController).syncDeployment",
     "method:k8s.io/client-go/listers/apps/v1.(DeploymentNamespaceLister).Get", "interface"),
])
def test_calls(graph, caller, callee, via):
    found = edge(graph, "CALLS", caller, callee)
    assert found is not None, f"{caller} should call {callee}"
    assert found["via"] == via


def test_kubelet_to_cri_call_chain(db):
    atlas = Atlas(SqliteReader(db))
    chain = atlas.shortest_path(f"method:{K}/kubelet.(*Kubelet).SyncPod",
                                f"method:{REMOTE}.(*remoteRuntimeService).RunPodSandbox")
    assert chain == [
        f"method:{K}/kubelet.(*Kubelet).SyncPod",
        f"method:{K}/kubelet/container.(Runtime).SyncPod",
        f"method:{MANAGER}.SyncPod",
        f"method:{MANAGER}.createPodSandbox",
        f"method:{CRI}.(PodSandboxManager).RunPodSandbox",
        f"method:{REMOTE}.(*remoteRuntimeService).RunPodSandbox",
    ]


# --- where the index and Go still disagree -------------------------------------------------------

def test_ignored_file_does_not_name_the_package(graph):
    assert graph["nodes"][f"pkg:{K}/scheduler"][1]["name"] == "scheduler"
    assert edge(graph, "CALLS", "func:k8s.io/kubernetes/cmd/kube-scheduler.run",
                f"func:{K}/scheduler.New")


@pytest.fixture(scope="module")
def import_tool(tmp_path_factory) -> Path:
    if not go_available():
        pytest.skip("Go toolchain not found: Go's parser is the ground truth")
    return build_tool(tmp_path_factory.mktemp("go"))


def probe(header: str, probe_id: str, name: str = "probe.go") -> object:
    """A probe file: `header`, then a package importing "os" (the import a wrong rule keeps or drops)."""
    return pytest.param(name, header + "package p\n\nimport \"os\"\n", id=probe_id)


# One small file per header rule, checked on linux/amd64 against go/build.
HEADER_PROBES = [
    probe("// +build windows\n", "plus-build-without-blank-line-is-no-constraint"),
    probe("//go:build linux\n// +build windows\n\n", "go-build-wins-over-plus-build"),
    probe("// +build linux darwin\n// +build 386\n\n", "plus-build-lines-are-anded"),
    probe("//go:build unix && !darwin\n\n", "unix-tag"),
    probe("", "bare-goos-name-is-no-suffix", name="linux.go"),
    probe("", "test-file", name="probe_windows_test.go"),
    probe("/*\nCopyright\n*/\n\n//go:build windows\n\n", "go-build-after-license-block-comment"),
    probe("\ufeff//go:build windows\n\n", "byte-order-mark-before-go-build"),
    probe("//go:buildx windows\n\n", "go-buildx-is-not-a-constraint"),
    pytest.param("probe.go", "package p\n\nimport \"C\"\nimport \"os\"\n",
                 id="cgo-file-with-cgo-off"),
]


@pytest.mark.parametrize("name, source", HEADER_PROBES)
def test_header_rule_matches_go(import_tool, tmp_path, name, source):
    root = write_tree(tmp_path / "k", {
        "go.mod": "module k8s.io/kubernetes\n",
        "pkg/p/plain.go": "package p\n\nimport \"strings\"\n\nvar _ = strings.Cut\n",
        f"pkg/p/{name}": source,
    })
    db = tmp_path / "p.sqlite"
    index_tree(describe_checkout(root), db, jobs=1, max_file_bytes=1 << 20)
    oracle = go_imports(import_tool, root, "linux", "amd64")
    compared, mismatches = compare(oracle, index_imports(db, set(oracle["errors"]), "linux",
                                                         "amd64"))
    assert compared == 1
    assert mismatches == []
