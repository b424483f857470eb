"""data/minik8s_links.yaml: every minik8s module is listed, every narrated id is linked, every link resolves."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
LINKS = ROOT / "data" / "minik8s_links.yaml"
ID_FORMS = re.compile(r"^(pkg:[\w./-]+|type:[\w./-]+\.\w+|func:[\w./-]+\.\w+|"
                      r"method:[\w./-]+\.\((\*?\w+)\)\.\w+)$")
NOT_COMPONENTS = {"minik8s/__init__.py", "minik8s/trace.py", "minik8s/controllers/__init__.py",
                  "minik8s/scheduler/__init__.py"}


def load() -> list[dict]:
    return yaml.safe_load(LINKS.read_text(encoding="utf-8"))["components"]


def test_links_file_is_well_formed():
    components = load()
    ids = [c["id"] for c in components]
    assert len(ids) == len(set(ids)), "component ids must be unique"
    for component in components:
        assert (ROOT / component["module"]).is_file(), component["module"]
        assert component["illustrates"], component["id"]
        summary = component["summary"]
        assert isinstance(summary, dict) and summary.get("en") and summary.get("zh"), component["id"]
        for target in component["illustrates"]:
            assert ID_FORMS.match(target), f"{component['id']}: {target!r} is not a graph node id"


# a name a Go or Kubernetes reader would search for: camelCase, ACRONYMS, paths, file names, numbers
IDENTIFIER = re.compile(r"[\w./:-]*(?:[a-z][A-Z]|[A-Z]{2}|\.py|/|\d)[\w./:-]*")


def test_every_summary_is_in_chinese_with_its_identifiers_kept():
    """The Chinese summary is Chinese, and keeps every identifier, path and number of the English
    untranslated (a plural English kind, ReplicaSets, is its singular name in Chinese)."""
    for component in load():
        en, zh = component["summary"]["en"], component["summary"]["zh"]
        assert re.search(r"[\u4e00-\u9fff]", zh), f"{component['id']}: {zh!r} is not Chinese"
        kept = {i.strip(".,-:") for i in IDENTIFIER.findall(en)}
        lost = sorted(i for i in kept if i and i not in zh and i.removesuffix("s") not in zh)
        assert lost == [], f"{component['id']}: {lost} not kept in {zh!r}"


def test_every_module_is_a_component_and_names_its_real_code():
    listed = {c["module"] for c in load()}
    for path in sorted((ROOT / "minik8s").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in NOT_COMPONENTS:
            continue
        assert rel in listed, f"{rel} is missing from {LINKS.name}"
        doc = path.read_text(encoding="utf-8").split('"""')[1]
        assert re.search(r"k8s\.io|pkg/|cmd/|cri-api|CNI|CSI", doc), f"{rel}: docstring names no real code"


def narrated_ids() -> set[str]:
    """Every id a component can put in a trace Step, read from the source."""
    found: set[str] = set()
    for path in (ROOT / "minik8s").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found.update(re.findall(r'"((?:method|func|type|pkg):[^"]+\.\(?[^"]*\)?\.?\w+)"', text))
        prefix = re.search(r'^MIRROR = "([^"]+)"', text, re.M)
        if prefix:
            found.update(prefix.group(1) + name for name in re.findall(r'MIRROR \+ "(\w+)"', text))
            if "MIRROR + step" in text:
                found.update(prefix.group(1) + s for s in re.findall(r'"(reconcile\w+|rollout\w+)"\)', text))
        for start, rest in re.findall(r'"((?:method|func):[^"]+\.)"\s*\n\s*"([^"]+)"', text):
            found.add(start + rest)
    return {i for i in found if not i.endswith(".")}


def test_every_narrated_id_is_in_the_links_file():
    linked = {t for c in load() for t in c["illustrates"]}
    narrated = narrated_ids()
    assert len(narrated) > 30
    assert narrated - linked == set()


@pytest.fixture(scope="module")
def real_graph(tmp_path_factory):
    root = os.environ.get("KUBEATLAS_K8S_ROOT")
    if not root:
        pytest.skip("set KUBEATLAS_K8S_ROOT to a Kubernetes v1.28.7 checkout to resolve the links")
    from kubeatlas.app.cli import main
    db = tmp_path_factory.mktemp("links") / "k8s.sqlite"
    assert main(["index", root, "--db", str(db)]) == 0
    return sqlite3.connect(db)


@pytest.mark.k8s
def test_every_link_resolves_in_the_real_graph(real_graph):
    missing = [(c["id"], t) for c in load() for t in c["illustrates"]
               if real_graph.execute("SELECT 1 FROM nodes WHERE id = ?", (t,)).fetchone() is None]
    assert missing == []
