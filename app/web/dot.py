"""DOT text for the graph views (rendered in the browser by st.graphviz_chart): the roles by
plane, and one node's neighbourhood with a node cap and "N more" markers. No streamlit here."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kubeatlas.app.web.words import say
from kubeatlas.graph.model.schema import EdgeKind
from kubeatlas.graph.notes.glossary import phrase
from kubeatlas.graph.query.atlas import EdgeRecord, NodeRecord

PLANES = (("control", "control plane", "#e8f0fe"), ("node", "node", "#e6f4ea"),
          ("interface", "interfaces", "#fef7e0"), ("library", "libraries", "#f3e8fd"),
          ("tool", "tools", "#fce8e6"))
PLANE_KEYS = tuple(p for p, _, _ in PLANES)


@dataclass(frozen=True, slots=True)
class MapOptions:
    talks_to: bool = True
    depends_on: bool = True
    min_weight: int = 1
    planes: tuple[str, ...] = PLANE_KEYS
    link_prefix: str = "role?role="
    link_suffix: str = ""  # after the role's key: "&lang=zh" keeps the language on a click
    plane_labels: tuple[tuple[str, str], ...] = ()  # (plane, label) in place of PLANES' own
    lang: str = "en"  # of the boxes' and wires' tooltips, and of a gone wire's mark


def quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def architecture(roles: Sequence[NodeRecord], edges: Iterable[EdgeRecord],
                 options: MapOptions = MapOptions()) -> str:
    """Roles clustered by plane; TALKS_TO edges bold with their protocol, DEPENDS_ON edges thin
    with their weight (number of package imports); the full protocol is an edge's tooltip. Roles
    absent from the tree, and their wires, are dashed and grey."""
    shown = {r.id for r in roles if r.attrs.get("plane") in options.planes}
    absent = {r.id for r in roles if not r.attrs.get("present", True)}
    out = ["digraph architecture {", "  graph [rankdir=LR, newrank=true, fontname=Helvetica, "
           "fontsize=20, nodesep=0.3, ranksep=0.8];",
           "  node [shape=box, style=\"rounded,filled\", fontname=Helvetica, fontsize=19, "
           "fillcolor=white, margin=\"0.15,0.06\"];", "  edge [fontname=Helvetica, fontsize=15];"]
    labels = dict(options.plane_labels)
    for plane, label, colour in PLANES:
        label = labels.get(plane, label)
        members = [r for r in roles if r.attrs.get("plane") == plane and r.id in shown]
        if not members:
            continue
        out.append(f"  subgraph cluster_{plane} {{ label={quote(label)}; style=filled; "
                   f"color={quote(colour)}; fontname=\"Helvetica-Bold\";")
        for r in members:
            key = r.id.partition(":")[2]
            style = "" if r.attrs.get("present", True) else \
                ", style=\"rounded,dashed\", fontcolor=gray40, color=gray60"
            tip = (r.attrs.get("summary_zh", "") if options.lang == "zh" else "") or \
                r.attrs.get("summary_en", "") or r.attrs.get("note", "")
            name = phrase(r.attrs.get("name") or key, options.lang)
            out.append(f"    {quote(r.id)} [label={quote(name)}, "
                       f"URL={quote(options.link_prefix + key + options.link_suffix)}, target=\"_self\", "
                       f"tooltip={quote(tip[:200])}{style}];")
        out.append("  }")
    for e in sorted(edges, key=lambda e: (e.kind, e.source, e.target)):
        if e.source not in shown or e.target not in shown:
            continue
        if e.kind == EdgeKind.TALKS_TO and options.talks_to:
            protocol = str(e.attrs.get("protocol", ""))
            # a wire to or from a role this release does not have is no wire of this release
            gone = e.source in absent or e.target in absent
            look = ('color=gray60, fontcolor=gray45, style=dashed, penwidth=1.2' if gone else
                    'color="#1a73e8", fontcolor="#1a73e8", penwidth=2.2')
            label = short_protocol(phrase(protocol, options.lang)) + \
                (say(options.lang, "index_absent") if gone else "")
            out.append(f"  {quote(e.source)} -> {quote(e.target)} [label={quote(label)}, "
                       f"tooltip={quote(phrase(protocol, options.lang))}, {look}];")
        elif e.kind == EdgeKind.DEPENDS_ON and options.depends_on:
            weight = int(e.attrs.get("weight", 0))
            if weight < options.min_weight:
                continue
            out.append(f"  {quote(e.source)} -> {quote(e.target)} [label={weight}, "
                       f"color=gray60, fontcolor=gray45, style=dashed, constraint=false, "
                       f"penwidth={0.6 + math.log10(max(weight, 1)):.2f}, arrowsize=0.6];")
    out.append("}")
    return "\n".join(out)


def short_protocol(protocol: str) -> str:
    """`exec (CNI) — by the kubelet until v1.23 …` -> `exec (CNI)` (and the same in Chinese:
    `exec（CNI）—— 直到 v1.23 …` -> `exec（CNI）`)."""
    short = protocol.split(" — ")[0].split("——")[0].strip().replace(" over a unix socket", "")
    short = short.replace("经 unix socket 的 ", "")
    return short if len(short) <= 28 else short[:26].rsplit(" ", 1)[0] + " …"


def neighbourhood(center: str, center_label: str, outgoing: Sequence[tuple[str, str]],
                  incoming: Sequence[tuple[str, str]], cap: int,
                  out_label: str = "imports", in_label: str = "imported by") -> str:
    """`center` with up to `cap` targets and `cap` sources (id, label), the rest folded into
    one "N more" node on each side."""
    out = ["digraph neighbourhood {", "  graph [rankdir=LR, fontname=Helvetica];",
           "  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=Helvetica, "
           "fontsize=11];",
           f"  {quote(center)} [label={quote(center_label)}, fillcolor=\"#e8f0fe\", penwidth=2];"]
    for side, items, label in (("out", outgoing, out_label), ("in", incoming, in_label)):
        for nid, text in items[:cap]:
            out.append(f"  {quote(side + ':' + nid)} [label={quote(text)}];")
            pair = (center, side + ":" + nid) if side == "out" else (side + ":" + nid, center)
            out.append(f"  {quote(pair[0])} -> {quote(pair[1])};")
        more = len(items) - cap
        if more > 0:
            marker = f"more:{side}"
            out.append(f"  {quote(marker)} [label={quote(f'… {more} more {label}')}, "
                       "style=dashed, fontcolor=gray40];")
            pair = (center, marker) if side == "out" else (marker, center)
            out.append(f"  {quote(pair[0])} -> {quote(pair[1])} [style=dashed, color=gray60];")
    out.append("}")
    return "\n".join(out)
