"""The native call resolver (graph/resolve/native/, Rust) gives exactly what the Python one
gives: every file's CallEdges in the same order and the same tally, on the fixture tree and
(marked k8s) on a real Kubernetes tree; an index built with it is the same graph. Without the
extension these tests skip, unless KUBEATLAS_REQUIRE_NATIVE=1 makes its absence a failure."""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXTURE_TREE

from kubeatlas.analyzer.cache import load_cache
from kubeatlas.analyzer.discover import discover, find_modules
from kubeatlas.analyzer.model import FileFacts
from kubeatlas.analyzer.scan import scan_files
from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.errors import KubeatlasError
from kubeatlas.graph.build.structure import TreeInfo, build_graph
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.index.stages import default_stages
from kubeatlas.graph.model.schema import EdgeKind
from kubeatlas.graph.resolve.calls import CallEdge, resolve_file_calls
from kubeatlas.graph.resolve.implements import add_implements
from kubeatlas.graph.resolve.native_calls import (
    Native,
    NativeResolution,
    chosen_resolver,
    native_resolve_function,
    resolve_all,
)
from kubeatlas.graph.resolve.symbols import SymbolTable


@pytest.fixture(scope="module")
def native() -> Native:
    resolve, why = native_resolve_function()
    if resolve is None:
        if os.environ.get("KUBEATLAS_REQUIRE_NATIVE") == "1":
            pytest.fail(f"KUBEATLAS_REQUIRE_NATIVE=1: {why}")
        pytest.skip(why)
    return resolve


def _scan(root: Path, scratch: Path) -> list[FileFacts]:
    facts, _ = scan_files(root, list(discover(root, find_modules(root))),
                          cache=load_cache(scratch / "facts"), jobs=0)
    return facts


def _differences(facts: list[FileFacts], native: Native) -> tuple[list[str], dict]:
    """The files whose edges differ (each with its first differing edge of either side) and the
    tally's differing keys."""
    symbols = SymbolTable.of(facts)
    tally: Counter[str] = Counter()
    ours: list[list[CallEdge]] = [resolve_file_calls(f, symbols, tally) for f in facts]
    theirs, their_tally = resolve_all(native, facts)
    files = []
    for f, a, b in zip(facts, ours, theirs, strict=True):
        if a != b:
            first = next((x, y) for x, y in zip([*a, None], [*b, None], strict=False) if x != y)
            files.append(f"{f.rel_path}: python {first[0]} native {first[1]}")
    keys = set(tally) | set(their_tally)
    return files, {k: (tally.get(k), their_tally.get(k)) for k in keys
                   if tally.get(k) != their_tally.get(k)}


def _implements(facts: list[FileFacts], native: Native | None) -> tuple[list, dict]:
    """The IMPLEMENTS and DISPATCHES edges (in the order added) and figures, by Python or native."""
    tree = TreeInfo("t", "", "", "", "", "")
    graph = build_graph(facts, [], tree)
    if native is None:
        figures = add_implements(graph, SymbolTable.of(facts))
    else:
        figures = NativeResolution(native, facts, graph).add_implements(graph)
    return [(e.source, e.target, e.kind, dict(e.attrs)) for e in graph.edges()
            if e.kind in (EdgeKind.IMPLEMENTS, EdgeKind.DISPATCHES)], figures


def _same_implements(facts: list[FileFacts], native: Native) -> None:
    ours, theirs = _implements(facts, None), _implements(facts, native)
    ours_set = {(*e[:3], tuple(sorted(e[3].items()))) for e in ours[0]}
    theirs_set = {(*e[:3], tuple(sorted(e[3].items()))) for e in theirs[0]}
    missing, extra = sorted(ours_set - theirs_set), sorted(theirs_set - ours_set)
    assert (len(missing), len(extra), missing[:3], extra[:3]) == (0, 0, [], [])
    assert theirs == ours  # the same order too
    assert ours[1]["implements"] > 10


def test_the_fixture_tree_resolves_the_same(native, tmp_path):
    facts = _scan(FIXTURE_TREE, tmp_path)
    files, tally = _differences(facts, native)
    assert (len(files), files[:5], tally) == (0, [], {})
    assert sum(len(f.calls) for f in facts) > 500  # the fixture has calls to resolve
    _same_implements(facts, native)


def _edges(db: Path) -> list:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return list(conn.execute("SELECT source, target, kind, attrs FROM edges ORDER BY rowid"))


def test_an_index_built_natively_is_the_same_graph(native, tmp_path, monkeypatch):
    built = {}
    for resolver in ("python", "native"):
        monkeypatch.setenv("KUBEATLAS_RESOLVER", resolver)
        db = tmp_path / f"{resolver}.sqlite"
        summary = index_tree(describe_checkout(FIXTURE_TREE), db, jobs=2, max_file_bytes=8 << 20,
                             stages=default_stages(2))
        built[resolver] = (_edges(db), summary.figures["resolve"])
    assert built["native"] == built["python"]
    assert built["native"][1]["calls"]["edges"] > 50


def test_the_resolver_setting_chooses(native, monkeypatch):
    monkeypatch.setenv("KUBEATLAS_RESOLVER", "python")
    assert chosen_resolver() == (None, "KUBEATLAS_RESOLVER=python")
    monkeypatch.setenv("KUBEATLAS_RESOLVER", "native")
    assert chosen_resolver()[0] is native
    monkeypatch.setenv("KUBEATLAS_RESOLVER", "rust")
    with pytest.raises(KubeatlasError, match="KUBEATLAS_RESOLVER='rust' is not one of"):
        chosen_resolver()


@pytest.mark.k8s
def test_a_real_tree_resolves_the_same(native, k8s_root, tmp_path):
    facts = _scan(k8s_root, tmp_path)
    files, tally = _differences(facts, native)
    assert (len(files), files[:5], tally) == (0, [], {})
    _same_implements(facts, native)
