"""Exact calls: the index's CALLS and REFERENCES equal what Go's type checker reports, per
call shape, on the fixture tree; on a real tree (KUBEATLAS_K8S_ROOT) recall and precision
per category over the issue's scope are printed and held to the targets."""

from __future__ import annotations

from pathlib import Path

import pytest
from call_oracle import K8S_SCOPE, extra_pairs, go_sites, index_pairs, render, score
from conftest import FIXTURE_TREE
from oracle import build_tool, go_available

from kubeatlas.app.cli import main

pytestmark = pytest.mark.skipif(not go_available(),
                                reason="Go toolchain not found: go/types is the ground truth")

SHAPES = ("call-result", "closure-param", "conversion", "field", "function", "generic", "index",
          "init", "local", "local-call", "multi-value", "named-result", "param", "promoted",
          "range", "other")


@pytest.fixture(scope="module")
def tool(tmp_path_factory) -> Path:
    return build_tool(tmp_path_factory.mktemp("go"), "calls")


def _index(root: Path, db: Path) -> Path:
    assert main(["index", str(root), "--db", str(db), "--json"]) == 0
    return db


def test_fixture_tree_calls_and_values_equal_go_types(tool, tmp_path, capsys):
    db = _index(FIXTURE_TREE, tmp_path / "f.sqlite")
    sites = go_sites(tool, FIXTURE_TREE)
    ours = index_pairs(db)
    scores, _ = score(sites, ours)
    categories = {r.category for r in scores["call"]}
    assert set(SHAPES) <= categories  # the fixture has every shape go/types tells apart
    for kind in ("call", "value"):
        for row in scores[kind]:
            assert row.missed == (), f"{kind}/{row.category}: {row.missed}"
        assert extra_pairs(sites, ours, kind) == []
    assert scores["value"][-1].expected >= 15 and scores["call"][-1].expected >= 160


@pytest.mark.k8s
def test_real_tree_calls_recall_and_precision(tool, tmp_path, k8s_root, capsys):
    db = _index(k8s_root, tmp_path / "k.sqlite")
    sites = go_sites(tool, k8s_root, K8S_SCOPE)
    scores, precision = score(sites, index_pairs(db, K8S_SCOPE))
    with capsys.disabled():
        print("\n" + render(scores, precision))
    calls, values = scores["call"][-1], scores["value"][-1]
    assert calls.expected > 10_000 and values.expected > 400
    good, total = precision["call"]
    assert calls.recall >= 99.0 and 100.0 * good / total >= 99.0
    assert values.recall >= 95.0
