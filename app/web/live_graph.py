"""The one live graph every page draws (st-link-analysis, Cytoscape.js): click a node to select
and open it, double-click to expand its neighbours, pan and zoom, filter by node and edge kind,
a node cap with "N more", and the drawing exported as JSON, GraphML, SVG or PNG."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence

import streamlit as st
from st_link_analysis import EdgeStyle, NodeStyle, st_link_analysis
from st_link_analysis.component.events import Event

from kubeatlas.app.web import graph_export, index_cache, language, links
from kubeatlas.app.web.words import say
from kubeatlas.graph.model.schema import kind_of
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.query.neighbourhood import DEFAULT_FILTERS, EDGE_FILTERS, MAX_NODES, Subgraph

NODE_KINDS = tuple(graph_export.COLOURS)
INCREMENTAL_LAYOUT = 150  # nodes up to which an expansion is laid out around the expanded node
_EDGE_COLOURS = {"IMPORTS": "#1f77b4", "CALLS": "#ff7f0e", "DISPATCHES": "#d62728",
                 "REFERENCES": "#8c564b", "HANDS_OFF": "#e377c2", "IMPLEMENTS": "#2ca02c",
                 "IN_ROLE": "#9467bd"}
# a double-click reported as an event of our own (the component's `events`, sent after its
# 100 ms debounce): its built-in expansion waits 150 ms more before it reports the same node as
# action "expand" (which then adds nothing). The built-in one must stay: it marks the node the
# component lays the new nodes out around, and it serves the node panel's expand button.
EXPAND_NOW = "expand-now"
_EDGE_KINDS = sorted({k for kinds in EDGE_FILTERS.values() for k in kinds})


class ReadableNode(NodeStyle):
    """A node style whose caption is readable at the zoom a page opens with (the component's
    own 3.6px text shows only when zoomed in three times)."""

    def dump(self) -> dict:
        out = super().dump()
        out["style"].update({"font-size": "11px", "min-zoomed-font-size": "3px",
                             "text-max-width": "160px", "text-wrap": "ellipsis"})
        return out


class ReadableEdge(EdgeStyle):
    def dump(self) -> dict:
        out = super().dump()
        out["style"].update({"font-size": "8px", "min-zoomed-font-size": "3px", "color": "#ffffff"})
        return out


def node_styles() -> list[NodeStyle]:
    return [ReadableNode(k, colour, "name") for k, colour in graph_export.COLOURS.items()]


def caption(nid: str) -> str:
    """A short caption: `pkg/kubelet`, `client-go/tools/cache`, `kubelet.(*Kubelet).SyncPod`."""
    name = short_name(nid)
    for prefix in ("k8s.io/kubernetes/", "k8s.io/"):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def elements(sub: Subgraph) -> dict[str, list[dict]]:
    lang = language.chosen()
    nodes = [{"data": {"id": n.id, "label": n.kind,
                       "name": caption(n.id) + (say(lang, "graph_node_more", count=sub.more[n.id])
                                                   if n.id in sub.more else "")}}
             for n in sub.nodes]
    edges = [{"data": {"id": f"e{i}", "source": e.source, "target": e.target, "label": e.kind}}
             for i, e in enumerate(sub.edges)]
    return {"nodes": nodes, "edges": edges}


def show(atlas: Atlas, focus: str, key: str, filters: Sequence[str] | None = None,
         cap: int = 25) -> None:
    """Draw `focus` with its neighbours; expansions are kept per page and focus. The graph is a
    fragment: a double-click, a filter or the cap reruns the graph alone, not its page."""
    _graph(atlas, focus, key, tuple(filters or ()), cap)


@st.fragment
def _graph(atlas: Atlas, focus: str, key: str, filters: tuple[str, ...], cap: int) -> None:
    state_key = f"graph-{key}-{focus}"
    expanded: list[str] = st.session_state.setdefault(state_key, [focus])
    try:
        default = list(filters or DEFAULT_FILTERS.get(str(kind_of(focus)), ("imports",)))
    except ValueError:
        default = ["imports"]
    lang = language.chosen()
    c1, c2, c3 = st.columns([3, 3, 1])
    chosen = c1.multiselect(say(lang, "graph_edges"), list(EDGE_FILTERS), default=default,
                            key=f"{state_key}-e", format_func=lambda f: say(lang, f"edges_{f}"),
                            placeholder=say(lang, "choose_options"))
    kinds = c2.multiselect(say(lang, "graph_kinds"), NODE_KINDS, key=f"{state_key}-k",
                           placeholder=say(lang, "choose_options"))
    cap = int(c3.number_input(say(lang, "graph_cap"), 5, MAX_NODES, cap, step=5,
                              key=f"{state_key}-c", help=say(lang, "graph_cap_help")))
    sub = index_cache.subgraph(atlas, expanded, chosen, kinds, cap)
    view_key = _view_key(state_key, sub, (tuple(expanded), tuple(chosen), tuple(kinds), cap))
    layout = "cose" if len(sub.nodes) <= INCREMENTAL_LAYOUT else "concentric"
    st_link_analysis(
        elements(sub), layout=layout, height=520, key=view_key,
        node_styles=node_styles(),
        edge_styles=[EdgeStyle(k, _EDGE_COLOURS.get(k, "#aaaaaa"), labeled=None, directed=True)
                     for k in _EDGE_KINDS],
        node_actions=["expand"], events=[Event("pick", "tap", "node"),
                                         Event(EXPAND_NOW, "dblclick dbltap", "node")],
        on_change=functools.partial(_on_event, state_key, view_key))
    hidden = sum(sub.more.values())
    st.caption(say(lang, "graph_drawn", nodes=len(sub.nodes), edges=len(sub.edges))
               + (say(lang, "graph_more", count=hidden) if hidden else "")
               + say(lang, "graph_how"))
    picked = st.session_state.get(f"{state_key}-picked")
    row = st.columns([4, 1, 1, 1, 1, 1])
    if picked and any(n.id == picked for n in sub.nodes):
        links.node_link(picked, say(lang, "graph_open", name=short_name(picked)), row[0])
    if len(expanded) > 1:
        row[1].button(say(lang, "graph_reset"), key=f"{state_key}-reset", on_click=_reset, args=(state_key, focus))
    name = short_name(focus).replace("/", "_").replace("*", "")[:60]
    # the files are written when a button is pressed, not on every rerun
    row[2].download_button("JSON", lambda: graph_export.to_json(sub), f"{name}.json",
                           "application/json", key=f"{state_key}-json", on_click="ignore")
    row[3].download_button("GraphML", lambda: graph_export.to_graphml(sub), f"{name}.graphml",
                           "application/xml", key=f"{state_key}-graphml", on_click="ignore")
    row[4].download_button("SVG", lambda: graph_export.to_svg(sub), f"{name}.svg",
                           "image/svg+xml", key=f"{state_key}-svg", on_click="ignore")
    row[5].download_button("PNG", lambda: graph_export.to_png(sub), f"{name}.png", "image/png",
                           key=f"{state_key}-png", on_click="ignore")


def _reset(state_key: str, focus: str) -> None:
    st.session_state[state_key] = [focus]


def _view_key(state_key: str, sub: Subgraph, drawn: tuple) -> str:
    """The component's key. Up to INCREMENTAL_LAYOUT nodes it stays the same, and the component
    adds an expansion's nodes around the expanded one (fcose, with that node fixed); that layout
    grows much faster than the graph (0.07 s at 100 nodes, 3 s at 400, 38 s at 1,234 in
    headless Chromium), so a larger graph gets a new component for every change of what is
    drawn, laid out afresh (concentric: 0.5 s at 1,234 nodes)."""
    if len(sub.nodes) <= INCREMENTAL_LAYOUT:
        return f"{state_key}-view"
    digest = hashlib.sha1(repr(drawn).encode()).hexdigest()[:12]
    return f"{state_key}-view-{digest}"


def _on_event(state_key: str, view_key: str) -> None:
    """Apply a click or an expansion the component reports, once per event, before the
    fragment reruns (so the rerun draws the new nodes at once)."""
    event = st.session_state.get(view_key)
    if not isinstance(event, dict) or event.get("timestamp") == st.session_state.get(
            f"{state_key}-seen"):
        return
    st.session_state[f"{state_key}-seen"] = event.get("timestamp")
    data = event.get("data") or {}
    if event.get("action") == EXPAND_NOW and isinstance(data.get("target_id"), str):
        data = {"node_ids": [data["target_id"]]}
    if event.get("action") in ("expand", EXPAND_NOW):
        expanded: list[str] = st.session_state.setdefault(state_key, [])
        expanded.extend(n for n in data.get("node_ids") or ()
                        if isinstance(n, str) and n not in expanded)
    elif event.get("action") == "pick" and isinstance(data.get("target_id"), str):
        st.session_state[f"{state_key}-picked"] = data["target_id"]
