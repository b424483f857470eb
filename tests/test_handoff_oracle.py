"""Exact hand-offs: the index's HANDS_OFF edges equal the pairs Go's type checker makes of the
sends, receives, queue adds and gets, and condition variables' signals and waits on struct
fields (reached through getters and parameters too), on the fixture tree; on a real tree
(KUBEATLAS_K8S_ROOT) recall and precision over the scope of main loops are printed and held to
the targets."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURE_TREE
from handoff_oracle import (
    K8S_SCOPE,
    difference,
    expected_handoffs,
    go_ends,
    index_handoffs,
    render,
    score,
)
from oracle import build_tool, go_available

from kubeatlas.app.cli import main

SHAPES = "k8s.io/kubernetes/pkg/controller/callshapes"
pytestmark = pytest.mark.skipif(not go_available(),
                                reason="Go toolchain not found: go/types is the ground truth")


@pytest.fixture(scope="module")
def tool(tmp_path_factory) -> Path:
    return build_tool(tmp_path_factory.mktemp("go"), "handoffs")


def _index(root: Path, db: Path) -> Path:
    assert main(["index", str(root), "--db", str(db), "--json"]) == 0
    return db


def test_fixture_tree_hand_offs_equal_go_types(tool, tmp_path):
    db = _index(FIXTURE_TREE, tmp_path / "f.sqlite")
    expected = expected_handoffs(go_ends(tool, FIXTURE_TREE))
    ours = index_handoffs(db)
    assert ours == expected, "\n" + difference(expected, ours)
    # the fixture has all three kinds: channels (through a local too), a work queue and
    # condition variables (held by value and by pointer); and channels taken through getters
    # (one behind an interface with two getter implementations) and parameters, passed on
    # by callers' callers (one through an interface), or a field passed as it is, sent on
    # through a parameter too, one channel made in a constructor and held by two fields, and
    # one made and held by no field, which pullAll receives from, and one a source is given
    # through two methods that return it, whatever their arguments, which another source keeps
    # in a field and sends on as well, and a third keeps in a field (routes.go: fourteen)
    assert {h.via for h in expected.values()} == {"channel", "queue", "cond"}
    assert len(expected) == 22
    assert expected[(f"func:{SHAPES}.pullOne", f"func:{SHAPES}.pullAll")].field == (
        f"{SHAPES}.pullAll#results")
    assert expected[(f"func:{SHAPES}.watchSource", f"method:{SHAPES}.(*sourceMux).listen")
                    ].field == f"{SHAPES}.(*sourceMux).ChannelFor#fresh"
    assert expected[(f"method:{SHAPES}.(*fileSource).run", f"method:{SHAPES}.(*sourceMux).listen")
                    ].field == f"{SHAPES}.fileSource.updates"
    assert sum(h.target.endswith("(*agent).iteration") for h in expected.values()) == 6


@pytest.mark.k8s
def test_real_tree_hand_offs_recall_and_precision(tool, tmp_path, k8s_root, capsys):
    db = _index(k8s_root, tmp_path / "k.sqlite")
    expected = expected_handoffs(go_ends(tool, k8s_root, K8S_SCOPE))
    result = score(expected, index_handoffs(db, K8S_SCOPE))
    with capsys.disabled():
        print("\n" + render(result))
    assert result.expected > 50
    assert result.recall >= 95.0, result.missed
    assert result.precision >= 95.0, result.extra
