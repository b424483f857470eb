"""The illustrations stage: minik8s components (data/minik8s_links.yaml) as MiniComponent
nodes with ILLUSTRATES edges to the real code they mirror."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from kubeatlas.analyzer.model import FileFacts
from kubeatlas.errors import CatalogError
from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.model.schema import EdgeKind, NodeKind, node_id
from kubeatlas.resources import data_file, parse_yaml

LINKS_FILE = data_file("minik8s_links.yaml")


@dataclass(frozen=True, slots=True)
class MiniLink:
    """One minik8s component and the graph node ids of the real code it mirrors."""

    id: str
    module: str
    summary: str  # what it does, in English
    summary_zh: str  # the same in Chinese: the links file gives both, as the role catalog does
    illustrates: tuple[str, ...]


def load_links(path: Path | Traversable = LINKS_FILE) -> tuple[tuple[MiniLink, ...], str]:
    """(links, fingerprint); no file means no links (minik8s is optional). An entry without a
    summary in both languages is a CatalogError naming it."""
    if not path.is_file():
        return (), ""
    raw = path.read_bytes()
    try:
        doc = parse_yaml(raw) or {}
        links = tuple(_link(c, path) for c in doc.get("components") or ())
    except (yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise CatalogError(f"{path} is malformed: {exc}") from None
    return links, hashlib.sha256(raw).hexdigest()[:16]


def _link(entry: dict[str, Any], path: Path | Traversable) -> MiniLink:
    cid = str(entry["id"])
    summary = entry.get("summary")
    if not isinstance(summary, dict) or not summary.get("en") or not summary.get("zh"):
        raise CatalogError(f"{path}: component {cid} needs summary.en and summary.zh (what a "
                           f"reader sees in each language), e.g. summary: {{en: ..., zh: ...}}; "
                           f"it has {summary!r}")
    return MiniLink(cid, str(entry.get("module", "")), str(summary["en"]).strip(),
                    str(summary["zh"]).strip(),
                    tuple(str(t) for t in entry.get("illustrates") or ()))


class Illustrations:
    """A pipeline stage; a changed links file changes its fingerprint and rebuilds the index."""

    def __init__(self, path: Path | Traversable = LINKS_FILE) -> None:
        self.links, self.fingerprint = load_links(path)

    def __call__(self, graph: KubeGraph, facts: Sequence[FileFacts]) -> dict[str, Any]:
        return add_illustrations(graph, self.links)


def add_illustrations(graph: KubeGraph, links: Sequence[MiniLink]) -> dict[str, Any]:
    edges, missing = 0, []
    for link in links:
        absent = [t for t in link.illustrates if t not in graph]
        missing.extend(absent)
        if len(absent) == len(link.illustrates):
            continue  # nothing it mirrors is in this tree (a fixture, another release)
        mid = node_id(NodeKind.MINI_COMPONENT, link.id)
        graph.add_node(mid, NodeKind.MINI_COMPONENT, name=link.id, module=link.module,
                       summary=link.summary, summary_zh=link.summary_zh, missing=absent)
        for target in link.illustrates:
            if target in graph:
                graph.add_edge(mid, target, EdgeKind.ILLUSTRATES)
                edges += 1
    return {"components": len(links), "links": edges, "missing": sorted(set(missing))}
