"""Shared fixtures: small Kubernetes-shaped trees written into tmp, the fixture tree, the real one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["neo4j_server_fixture"]  # the real Neo4j server (session fixture)

# Subprocesses (`python -m kubeatlas...`, `streamlit run`) import this checkout's `kubeatlas/`,
# the same modules pytest imports (pyproject: pythonpath = ["."]), whatever else is installed.
CHECKOUT = Path(__file__).resolve().parents[1]
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(CHECKOUT), os.environ.get("PYTHONPATH", "")) if p)

FIXTURE_TREE = Path(__file__).resolve().parent / "fixtures" / "ktree"

SMALL_TREE = {
    "go.mod": "module k8s.io/kubernetes\n\ngo 1.20\n",
    "pkg/a/a.go": "package a\n\nimport \"k8s.io/kubernetes/pkg/b\"\n\nfunc A() { b.B() }\n",
    "pkg/b/b.go": "package b\n\nfunc B() {}\n",
    "pkg/b/b_linux.go": "package b\n\nimport \"os\"\n\nvar _ = os.Getpid\n",
    "staging/src/k8s.io/api/go.mod": "module k8s.io/api\n",
    "staging/src/k8s.io/api/core/v1/types.go": "package v1\n\ntype Pod struct{}\n",
}

# apps/v1 shaped like k8s.io/api: a kind (TypeMeta embedded) and its List
APPS_V1_TYPES = """package v1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

type Deployment struct {
	metav1.TypeMeta
	Replicas int32
}

type DeploymentList struct {
	metav1.TypeMeta
	Items []Deployment
}
"""


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def small_tree(tmp_path) -> Path:
    return write_tree(tmp_path / "kubernetes", SMALL_TREE)


@pytest.fixture(scope="session")
def ktree_db(tmp_path_factory) -> Path:
    """The fixture tree indexed once through the CLI, for the modules that only read it."""
    from kubeatlas.app.cli import main

    path = tmp_path_factory.mktemp("ktree") / "index.sqlite"
    assert main(["index", str(FIXTURE_TREE), "--db", str(path), "--jobs", "1", "--json"]) == 0
    return path


@pytest.fixture(scope="session")
def web_db(ktree_db) -> Path:
    """The index open_page serves: the fixture tree's, unless a module defines its own."""
    return ktree_db


@pytest.fixture(scope="session")
def k8s_root() -> Path:
    root = os.environ.get("KUBEATLAS_K8S_ROOT")
    if not root:
        pytest.skip("set KUBEATLAS_K8S_ROOT to a Kubernetes checkout for the real-tree checks")
    return Path(root)


@pytest.fixture
def open_page(web_db, monkeypatch):
    """The Streamlit app (app/web/main.py) under AppTest on the `web_db` index (the fixture
    tree's, or the test module's own): opened, switched to `page` with URL `params`, run, and
    free of exceptions."""
    from streamlit.testing.v1 import AppTest

    def run(page: str | None = None, db: Path | None = None, **params: str) -> AppTest:
        monkeypatch.setenv("KUBEATLAS_DB", str(db or web_db))
        at = AppTest.from_file(str(CHECKOUT / "app" / "web" / "main.py"), default_timeout=30)
        at.run()
        if page:
            at.switch_page(page)
        at.query_params.update(params)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return run


@pytest.fixture(scope="module")
def cluster():
    """A fast minik8s cluster for the test module (a module that needs another defines its own
    `cluster`, which takes precedence)."""
    from kubeatlas.minik8s.cluster import Cluster, ClusterConfig

    started = Cluster(ClusterConfig().fast()).start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def kubectl(cluster, tmp_path_factory):
    """The real kubectl, run against the module's cluster with a home of its own."""
    from tests.mini_clients import KUBECTL, kubectl_runner

    if KUBECTL is None:
        pytest.skip("no kubectl on PATH")
    return kubectl_runner(KUBECTL, cluster, tmp_path_factory.mktemp("kubectl"))

