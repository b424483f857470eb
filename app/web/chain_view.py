"""A chain drawn as a picture (the live graph component, hops labelled with their kind: call,
interface call, dispatch, function value, hand-off, import …) with its hops listed, and the
next-shortest alternatives below."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st
from st_link_analysis import st_link_analysis

from kubeatlas.app.web import language, links, live_graph, words
from kubeatlas.app.web.live_graph import ReadableEdge
from kubeatlas.app.web.words import say
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.query.chains import Chains, Hop


def elements(chains: Chains) -> dict[str, list[dict]]:
    ids: dict[str, None] = {}
    edges: dict[tuple[str, str, str], Hop] = {}
    for chain in chains.found:
        for hop in chain:
            ids.setdefault(hop.source)
            ids.setdefault(hop.target)
            edges.setdefault((hop.source, hop.target, hop.kind), hop)
    best = {(h.source, h.target, h.kind) for h in chains.found[0]} if chains.found else set()
    pos = positions(chains)
    return {"nodes": [{"data": {"id": nid, "label": _kind(nid), "name": short_name(nid)},
                       "position": {"x": pos[nid][0], "y": pos[nid][1]}}
                      for nid in ids],
            "edges": [{"data": {"id": f"h{i}", "source": h.source, "target": h.target,
                                "label": "SHORTEST" if k in best else "ALTERNATIVE",
                                "how": how_said(h.how)}}
                      for i, (k, h) in enumerate(edges.items())]}


def positions(chains: Chains, per_row: int = 4) -> dict[str, tuple[int, int]]:
    """The shortest chain read left to right in rows (a snake, so a long chain stays wide and
    legible); nodes only on alternatives in rows below it."""
    pos: dict[str, tuple[int, int]] = {}
    if not chains.found:
        return pos
    best = [chains.found[0][0].source, *(h.target for h in chains.found[0])]
    for i, nid in enumerate(best):
        row, col = divmod(i, per_row)
        pos[nid] = ((col if row % 2 == 0 else per_row - 1 - col) * 260, row * 150)
    rows = (len(best) + per_row - 1) // per_row
    extra = [n for chain in chains.found[1:] for h in chain for n in (h.source, h.target)
             if n not in pos]
    for i, nid in enumerate(dict.fromkeys(extra)):
        row, col = divmod(i, per_row)
        pos[nid] = (col * 260 + 130, (rows + row) * 150 + 40)
    return pos


def show(atlas: Atlas, tree: Mapping[str, Any], chains: Chains, key: str) -> None:
    if not chains.found:
        return
    lang = language.chosen()
    best = chains.found[0]
    st.markdown(say(lang, "chain_along", hops=_hops_count(len(best)),
                    kinds=kinds_said(chains.edge_kinds)))
    st_link_analysis(
        elements(chains), layout={"name": "preset", "fit": True, "padding": 40}, height=420, key=f"chain-{key}",
        node_styles=live_graph.node_styles(),
        edge_styles=[ReadableEdge("SHORTEST", "#d62728", caption="how", labeled=None, directed=True),
                     ReadableEdge("ALTERNATIVE", "#aaaaaa", caption="how", labeled=None, directed=True)])
    for number, chain in enumerate(chains.found):
        title = say(lang, "chain_shortest") if number == 0 else \
            say(lang, "chain_alternative", number=number, hops=_hops_count(len(chain)))
        with st.expander(title, expanded=number == 0):
            _hops(atlas, tree, chain)
    if not chains.complete:
        st.caption(say(lang, "chain_budget"))
    elif len(chains.found) == 1:
        st.caption(say(lang, "chain_only"))


def _hops(atlas: Atlas, tree: Mapping[str, Any], chain: tuple[Hop, ...]) -> None:
    nodes = atlas.reader.get_nodes([chain[0].source, *(h.target for h in chain)])
    rows = [(None, chain[0].source)] + [(h, h.target) for h in chain]
    for step, (hop, nid) in enumerate(rows):
        left, right = st.columns([2, 3])
        prefix = f"{step}. " + (f"—{how_said(hop.how)}→ " if hop else "")
        links.node_link(nid, prefix + short_name(nid), left, help=nid)
        node = nodes.get(nid)
        where = links.code_md(tree, node.attrs) if node else ""
        at_line = say(language.chosen(), "chain_at_line", line=hop.line) if hop and hop.line else ""
        right.markdown((where or f"`{nid}`") + at_line)


# the edge kinds a chain follows, by the live graph's words for its edge filters
_EDGE_WORDS = {"CALLS": "edges_calls", "DISPATCHES": "edges_dispatch",
               "REFERENCES": "edges_value references", "HANDS_OFF": "edges_hand-offs",
               "IMPORTS": "edges_imports", "IMPLEMENTS": "edges_implements",
               "EMBEDS": "edges_embeds", "HAS_METHOD": "edges_methods", "IN_ROLE": "edges_in role",
               "TALKS_TO": "how_talks to", "DEPENDS_ON": "how_depends on"}


def kinds_said(kinds: Sequence[str]) -> str:
    """The edge kinds a chain follows (`CALLS, DISPATCHES`), in the language chosen: English
    keeps the schema's names, Chinese says them (调用、分派)."""
    lang = language.chosen()
    if lang == "en":
        return ", ".join(sorted(set(kinds)))
    return "、".join(say(lang, _EDGE_WORDS[k]) if k in _EDGE_WORDS else k
                    for k in sorted(set(kinds)))


_ROUTES = (("route_made", re.compile(r"^(?P<name>\S+) made in (?P<maker>\S+)$")),
           ("route_made_in", re.compile(r"^made in (?P<maker>\S+)$")),
           ("route_given", re.compile(r"^given through (?P<name>\S+)$")),
           ("route_taken", re.compile(r"^taken through (?P<name>\S+)$")))


def how_said(how: str) -> str:
    """What a hop is (graph/query/chains.py says it in English: `hand-off through a channel
    (given through out, taken through plegCh)`) in the language chosen; a phrase the explorer
    has no words for stays as it is."""
    lang = language.chosen()
    if lang == "en":
        return how
    head, _, rest = how.partition(" (")
    said = say(lang, f"how_{head}") if f"how_{head}" in words.KEYS else head
    routes = [_route(part.strip(), lang) for part in re.split(r",\s*(?![^()]*\))",
                                                             rest.removesuffix(")"))] if rest else []
    return said + (f"（{'，'.join(routes)}）" if routes else "")


def _route(part: str, lang: str) -> str:
    inner = ""
    if part.endswith(")") and " (" in part:  # "taken through x (y made in f)"
        part, _, inner = part[:-1].partition(" (")
        inner = f"（{_route(inner, lang)}）"
    for key, pattern in _ROUTES:
        if found := pattern.match(part):
            return say(lang, key, **found.groupdict()) + inner
    return part + inner


def _hops_count(count: int) -> str:
    return say(language.chosen(), "chain_hops_one" if count == 1 else "chain_hops", count=count)


def _kind(nid: str) -> str:
    prefix = nid.split(":", 1)[0]
    return {"pkg": "Package", "ext": "ExternalPackage", "type": "Type", "func": "Function",
            "method": "Method", "role": "Role", "kind": "ApiKind", "mini": "MiniComponent"
            }.get(prefix, "Node")
