"""The drawn subgraph as files: JSON and GraphML (data), SVG and PNG (a picture on a
deterministic radial layout: focus nodes in the middle, their neighbours around them)."""

from __future__ import annotations

import io
import json
import math
from xml.sax.saxutils import escape, quoteattr

from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.query.neighbourhood import Subgraph

COLOURS = {"Role": "#d62728", "Package": "#1f77b4", "ExternalPackage": "#9e9e9e",
           "Type": "#2ca02c", "Function": "#ff7f0e", "Method": "#e377c2", "ApiKind": "#9467bd",
           "MiniComponent": "#17becf", "File": "#8c564b", "Module": "#7f7f7f"}
SIZE = 900


def to_json(sub: Subgraph) -> str:
    return json.dumps({"focus": list(sub.focus), "more": sub.more,
                       "nodes": [n.as_json() for n in sub.nodes],
                       "edges": [{"source": e.source, "target": e.target, "kind": e.kind,
                                  **dict(e.attrs)} for e in sub.edges]},
                      indent=1, sort_keys=True, default=str)


def to_graphml(sub: Subgraph) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
             '<key id="kind" for="node" attr.name="kind" attr.type="string"/>',
             '<key id="name" for="node" attr.name="name" attr.type="string"/>',
             '<key id="ekind" for="edge" attr.name="kind" attr.type="string"/>',
             '<graph id="kubeatlas" edgedefault="directed">']
    for n in sub.nodes:
        lines.append(f'<node id={quoteattr(n.id)}><data key="kind">{escape(n.kind)}</data>'
                     f'<data key="name">{escape(n.name)}</data></node>')
    for e in sub.edges:
        lines.append(f'<edge source={quoteattr(e.source)} target={quoteattr(e.target)}>'
                     f'<data key="ekind">{escape(e.kind)}</data></edge>')
    lines += ["</graph>", "</graphml>"]
    return "\n".join(lines) + "\n"


def layout(sub: Subgraph) -> dict[str, tuple[float, float]]:
    """Focus nodes on a small inner ring, the rest on an outer ring, in drawing order."""
    centre = SIZE / 2
    focus = [n.id for n in sub.nodes if n.id in sub.focus]
    rest = [n.id for n in sub.nodes if n.id not in sub.focus]
    pos: dict[str, tuple[float, float]] = {}
    for ring, ids in ((0.0 if len(focus) == 1 else 0.15, focus), (0.42, rest)):
        for i, nid in enumerate(ids):
            angle = 2 * math.pi * i / max(1, len(ids))
            pos[nid] = (centre + ring * SIZE * math.cos(angle), centre + ring * SIZE * math.sin(angle))
    return pos


def to_svg(sub: Subgraph) -> str:
    pos = layout(sub)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
             f'viewBox="0 0 {SIZE} {SIZE}" font-family="sans-serif" font-size="10">',
             '<rect width="100%" height="100%" fill="white"/>']
    for e in sub.edges:
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                     f'stroke="#bbb"><title>{escape(e.kind)}</title></line>')
    for n in sub.nodes:
        x, y = pos[n.id]
        label = short_name(n.id) + (f" (+{sub.more[n.id]} more)" if n.id in sub.more else "")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{COLOURS.get(n.kind, "#333")}">'
                     f'<title>{escape(n.id)}</title></circle>'
                     f'<text x="{x + 9:.1f}" y="{y + 3:.1f}">{escape(label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def to_png(sub: Subgraph) -> bytes:
    from PIL import Image, ImageDraw  # streamlit depends on pillow

    pos = layout(sub)
    image = Image.new("RGB", (SIZE, SIZE), "white")
    draw = ImageDraw.Draw(image)
    for e in sub.edges:
        draw.line([pos[e.source], pos[e.target]], fill="#bbbbbb", width=1)
    for n in sub.nodes:
        x, y = pos[n.id]
        draw.ellipse([x - 7, y - 7, x + 7, y + 7], fill=COLOURS.get(n.kind, "#333333"))
        label = short_name(n.id) + (f" (+{sub.more[n.id]} more)" if n.id in sub.more else "")
        draw.text((x + 9, y - 5), label, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
