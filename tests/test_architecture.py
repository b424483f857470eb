"""The house rules of DESIGN.md §1 that an AST can check: who imports whom, module sizes."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("analyzer", "graph", "app", "minik8s")
# heavy library -> the only places it may be imported from
CONFINED = {
    "tree_sitter": ("analyzer/goparse.py",),
    "tree_sitter_go": ("analyzer/goparse.py",),
    "networkx": ("graph/",),
    "neo4j": ("graph/store/neo4j/",),
    "streamlit": ("app/web/",),
    "pygments": ("app/web/source_view.py",),
}
# package -> packages it must not import
LAYERS = {
    "kubeatlas": ("analyzer", "graph", "app", "minik8s"),
    "analyzer": ("graph", "app", "minik8s"),
    "graph": ("app", "minik8s"),
    "minik8s": ("analyzer", "graph", "app"),
}


def _modules():
    for path in sorted((ROOT / "kubeatlas").glob("*.py")):
        if path.name == "__main__.py":  # the entry point: `python -m kubeatlas` runs the CLI
            continue
        yield path.relative_to(ROOT).as_posix(), path
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path


def _tops(names: set[str]) -> set[str]:
    """Top-level names, with our own `kubeatlas.X` read as `X` (the repository's folder)."""
    return {n.split(".")[1] if n.startswith("kubeatlas.") else n.split(".")[0] for n in names}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


MODULES = list(_modules())


@pytest.mark.parametrize("rel, path", MODULES, ids=[m[0] for m in MODULES])
def test_module_respects_layers_and_confinement(rel, path):
    imported = _imports(path)
    tops = _tops(imported)
    for library, allowed in CONFINED.items():
        if library in tops:
            assert rel.startswith(allowed), f"{rel} imports {library} (only {allowed})"
    own = rel.split("/")[0]
    for forbidden in LAYERS.get(own, ()):
        assert forbidden not in tops, f"{rel} ({own}) must not import {forbidden}"


@pytest.mark.parametrize("rel, path", MODULES, ids=[m[0] for m in MODULES])
def test_module_is_small_named_and_documented(rel, path):
    assert path.name not in {"utils.py", "helpers.py", "common.py", "misc.py"}
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 400, f"{rel} is over the 400-line ceiling"
    if text.strip():
        assert ast.get_docstring(ast.parse(text)), f"{rel} has no module docstring"


def test_nothing_imports_app():
    for rel, path in MODULES:
        if not rel.startswith("app/"):
            assert "app" not in _tops(_imports(path)), rel


@pytest.mark.parametrize("nid, kind, package, name, receiver, pointer", [
    ("pkg:k8s.io/kubernetes/pkg/kubelet", "Package", "k8s.io/kubernetes/pkg/kubelet", "kubelet", "", False),
    ("type:k8s.io/api/core/v1.Pod", "Type", "k8s.io/api/core/v1", "Pod", "", False),
    ("func:k8s.io/kubernetes/pkg/kubelet.NewMainKubelet", "Function", "k8s.io/kubernetes/pkg/kubelet",
     "NewMainKubelet", "", False),
    ("func:k8s.io/kubernetes/pkg/a.init#a.go#3", "Function", "k8s.io/kubernetes/pkg/a", "init", "", False),
    ("method:k8s.io/kubernetes/pkg/kubelet.(*Kubelet).SyncPod", "Method", "k8s.io/kubernetes/pkg/kubelet",
     "SyncPod", "Kubelet", True),
    ("method:k8s.io/cri-api/pkg/apis.(RuntimeService).RunPodSandbox", "Method", "k8s.io/cri-api/pkg/apis",
     "RunPodSandbox", "RuntimeService", False),
])
def test_parse_id_takes_every_id_apart(nid, kind, package, name, receiver, pointer):
    from kubeatlas.graph.model.schema import parse_id

    parsed = parse_id(nid)
    assert (parsed.kind, parsed.package, parsed.name, parsed.receiver, parsed.pointer) == (
        kind, package, name, receiver, pointer)
    assert parsed.key == nid.partition(":")[2]


@pytest.mark.parametrize("text", ["", "pkg", "nope:x", "k8s.io/kubernetes/pkg/kubelet"])
def test_parse_id_refuses_what_is_not_an_id(text):
    from kubeatlas.graph.model.schema import parse_id

    with pytest.raises(ValueError, match="not a kubeatlas node id"):
        parse_id(text)


def test_no_module_slices_an_id_by_hand():
    """`parse_id`/`key_of` take ids apart; `nid[5:]`-style slicing of a prefix is not allowed."""
    import re

    sliced = re.compile(r"""(\bn?id|\.id|source|target)\[\d:\]""")
    offenders = [rel for rel, path in MODULES if sliced.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
