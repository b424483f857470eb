"""Exact imports: the index's IMPORTS edges equal what Go's own parser and go/build report."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURE_TREE
from oracle import build_tool, compare, go_available, go_imports, index_imports

from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.graph.index.pipeline import index_tree

pytestmark = pytest.mark.skipif(not go_available(),
                                reason="Go toolchain not found: Go's parser is the ground truth")


@pytest.fixture(scope="module")
def tool(tmp_path_factory) -> Path:
    return build_tool(tmp_path_factory.mktemp("go"))


def _check(tool: Path, root: Path, db: Path, goos: str, goarch: str) -> tuple[int, list[str]]:
    index_tree(describe_checkout(root), db, jobs=2, max_file_bytes=64 << 20)
    oracle = go_imports(tool, root, goos, goarch)
    ours = index_imports(db, set(oracle.get("errors") or ()), goos, goarch)
    return compare(oracle, ours)


@pytest.mark.parametrize("goos, goarch", [("linux", "amd64"), ("windows", "amd64"),
                                          ("darwin", "arm64")])
def test_fixture_tree_imports_match_go(tool, tmp_path, goos, goarch):
    compared, mismatches = _check(tool, FIXTURE_TREE, tmp_path / "f.sqlite", goos, goarch)
    assert compared >= 10
    assert mismatches == []


@pytest.mark.k8s
def test_real_tree_imports_match_go(tool, tmp_path, k8s_root):
    compared, mismatches = _check(tool, k8s_root, tmp_path / "k.sqlite", "linux", "amd64")
    print(f"real tree: {compared} packages compared, {len(mismatches)} mismatches")
    assert compared > 2000
    assert mismatches == []
