"""Write a KubeGraph as JSON node-link data, GraphML, or CSV files for `neo4j-admin import`."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kubeatlas.graph.model.kubegraph import KubeGraph


def export_graph(graph: KubeGraph, fmt: str, out: Path) -> str:
    """Write graph to out in fmt; returns a short description of what was written."""
    out = Path(out)
    if fmt == "json":
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(graph.to_node_link(), fh, sort_keys=True, default=list)
        return f"{out} ({len(graph)} nodes, {graph.edge_count} edges, node-link JSON)"
    if fmt == "graphml":
        out.parent.mkdir(parents=True, exist_ok=True)
        graph.write_graphml(str(out))
        return f"{out} ({len(graph)} nodes, {graph.edge_count} edges, GraphML)"
    if fmt == "csv":
        files = write_admin_csv(graph, out)
        return f"{len(files)} CSV files in {out} (neo4j-admin database import full layout)"
    raise ValueError(f"unknown export format {fmt!r}")


def write_admin_csv(graph: KubeGraph, out_dir: Path) -> list[Path]:
    """One nodes_<Label>.csv per node kind (id:ID, properties, :LABEL) and one
    rels_<TYPE>.csv per edge kind (:START_ID, :END_ID, :TYPE, properties)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    nodes: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for node in graph.nodes():
        nodes[str(node.kind)].append((node.id, dict(node.attrs)))
    for label, rows in sorted(nodes.items()):
        keys = sorted({k for _, attrs in rows for k in attrs})
        path = out_dir / f"nodes_{label}.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["id:ID", *[_header(k, rows) for k in keys], ":LABEL"])
            for nid, attrs in sorted(rows):
                writer.writerow([nid, *[_cell(attrs.get(k)) for k in keys], f"Node;{label}"])
        written.append(path)
    edges: dict[str, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
    for edge in graph.edges():
        edges[str(edge.kind)].append((edge.source, edge.target, dict(edge.attrs)))
    for rel, edge_rows in sorted(edges.items()):
        keys = sorted({k for _, _, attrs in edge_rows for k in attrs})
        path = out_dir / f"rels_{rel}.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow([":START_ID", ":END_ID", ":TYPE",
                             *[_header(k, [(None, a) for _, _, a in edge_rows]) for k in keys]])
            for s, t, attrs in sorted(edge_rows, key=lambda r: (r[0], r[1])):
                writer.writerow([s, t, rel, *[_cell(attrs.get(k)) for k in keys]])
        written.append(path)
    return written


def _header(key: str, rows: Iterable[tuple[object, Mapping[str, Any]]]) -> str:
    sample = next((attrs[key] for _, attrs in rows if attrs.get(key) is not None), None)
    if isinstance(sample, bool):
        return f"{key}:boolean"
    if isinstance(sample, int):
        return f"{key}:long"
    if isinstance(sample, float):
        return f"{key}:double"
    if isinstance(sample, (list, tuple)):
        return f"{key}:string[]"
    return key


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)
