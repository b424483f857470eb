"""IMPORTS edges between packages: which files import what, test-only or not, on which
platforms; the rows are worked out from the facts first and added to the graph later."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from kubeatlas.analyzer.buildtags import PLATFORMS, platforms_of
from kubeatlas.analyzer.model import FileFacts
from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.model.schema import EdgeKind, NodeKind, external_id, package_id

# (importing package id, imported package id, its import path, is it in the tree, edge attrs)
ImportRow = tuple[str, str, str, bool, dict[str, Any]]


def import_rows(by_package: Mapping[str, Sequence[FileFacts]]) -> list[ImportRow]:
    """One row per package and each path its files import (not itself: an external test
    package foo_test importing foo is folded into foo), by package then path."""
    every_platform = set(PLATFORMS)
    rows: list[ImportRow] = []
    for import_path, files in by_package.items():
        importers: dict[str, list[FileFacts]] = defaultdict(list)
        for f in files:
            for path in {ref.path for ref in f.imports}:
                importers[path].append(f)
        if not importers:
            continue
        built = {f.rel_path: platforms_of(f.rel_path, f.build_expr)
                 for f in files if not f.is_test}
        source = package_id(import_path)
        for target_path, via in sorted(importers.items()):
            if target_path == import_path:
                continue
            in_tree = target_path in by_package
            target = package_id(target_path) if in_tree else external_id(target_path)
            platforms: set[str] = set()
            for f in via:
                if not f.is_test:
                    platforms.update(built[f.rel_path])
            rows.append((source, target, target_path, in_tree, {
                "files": len(via), "file_paths": sorted(f.rel_path for f in via),
                "test_only": all(f.is_test for f in via),
                "platforms": ["all"] if platforms == every_platform else sorted(platforms)}))
    return rows


def add_imports(graph: KubeGraph, rows: Sequence[ImportRow]) -> None:
    """The IMPORTS edges of import_rows, and an ExternalPackage node for each path out of
    the tree."""
    for source, target, target_path, in_tree, attrs in rows:
        if not in_tree and target not in graph:
            graph.add_node(target, NodeKind.EXTERNAL_PACKAGE, name=target_path,
                           import_path=target_path, std=_is_std(target_path))
        graph.add_edge(source, target, EdgeKind.IMPORTS, **attrs)


def _is_std(path: str) -> bool:
    return "." not in path.split("/", 1)[0]
