"""The role page's reading guide: the role's main loop and its key data flow step by step, its
extension points (interfaces, with the implementations production code means), and where to
start reading (the breakpoints of its walkthrough in data/roles.yaml, in the order the code
runs), each step placed on the graph as the study note places it and linked to its code page
and to GitHub."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from kubeatlas.app.web import index_cache, links, state, words
from kubeatlas.graph.notes.lang import pick, say
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.notes.walk import Placed

Parts = Sequence[tuple[str, Sequence[Placed]]]


def breakpoints(parts: Parts) -> list[Placed]:
    """The steps marked as breakpoints, each node once, in the walkthrough's order (start-up,
    main loop, data flow): the study note's "where to start reading"."""
    seen: set[str] = set()
    marked = []
    for part, placed in parts:
        for p in (placed if part != "extend" else ()):
            if p.step.breakpoint and p.node.attrs.get("file") and p.node.id not in seen:
                seen.add(p.node.id)
                marked.append(p)
    return marked


def show(tree: Mapping[str, Any], parts: Parts, name: str, lang: str = "en") -> None:
    """Main loop, then where to start reading, in `lang`; a role without them says so."""
    if not parts:
        st.caption(words.say(lang, "no_walkthrough", name=name))
        return
    placed_by_part = dict(parts)
    st.subheader(say(lang, "part_loop"))
    if placed_by_part.get("loop"):
        for p in placed_by_part["loop"]:
            _step(tree, p, lang)
    elif placed_by_part.get("flow"):
        st.caption(words.say(lang, "no_loop_flow", name=name))
    elif placed_by_part.get("start"):  # kubeadm, component-base: from main to the end
        st.caption(words.say(lang, "no_loop_start", name=name))
        st.subheader(say(lang, "part_start"))
        for p in placed_by_part["start"]:
            _step(tree, p, lang)
    else:
        st.caption(words.say(lang, "no_loop", name=name))
    if placed_by_part.get("flow"):
        st.subheader(say(lang, "part_flow"))
        for p in placed_by_part["flow"]:
            _step(tree, p, lang)
    if placed_by_part.get("extend"):
        st.subheader(say(lang, "part_extend"))
        for p in placed_by_part["extend"]:
            _extension(tree, p, lang)
    marked = breakpoints(parts)
    if not marked:
        return
    st.subheader(say(lang, "reading_path"))
    st.caption(say(lang, "reading_intro").replace("`dlv`", "dlv").rstrip(":：")
               + ("。" if lang == "zh" else "."))
    for number, p in enumerate(marked, start=1):
        left, right = st.columns([2, 3])
        links.node_link(p.node.id, f"{number}. {short_name(p.node.id)}", left, help=p.node.id)
        url = links.code_url(tree, p.node.attrs)
        right.markdown(f"`break {links.where(p.node.attrs)}`" + (f" · [GitHub]({url})" if url else ""))


def _step(tree: Mapping[str, Any], p: Placed, lang: str) -> None:
    left, right = st.columns([2, 3])
    links.node_link(p.node.id, short_name(p.node.id), left, help=p.node.id)
    right.markdown(f"{links.code_md(tree, p.node.attrs)} — {pick(lang, p.step.en, p.step.zh)}")


def _extension(tree: Mapping[str, Any], p: Placed, lang: str, shown: int = 4) -> None:
    """An extension point: the interface, what the catalog says of it, and the implementations
    production code means (as the study note names them), each linked to its code."""
    left, right = st.columns([2, 3])
    links.node_link(p.node.id, short_name(p.node.id), left, help=p.node.id)
    intended, _ = index_cache.implementers(state.atlas(), p.node.id)
    found = state.atlas().reader.get_nodes(intended[:shown])
    listed = say(lang, "sep").join(f"`{short_name(i)}` ({links.code_md(tree, found[i].attrs)})"
                                   for i in intended[:shown] if i in found)
    more = " " + say(lang, "and_more", count=len(intended) - shown) if len(intended) > shown else ""
    said = (say(lang, "implemented_by") + listed + more) if intended else say(lang, "no_implementers")
    right.markdown(f"{links.code_md(tree, p.node.attrs)} — {pick(lang, p.step.en, p.step.zh)} "
                   f"{said}".replace("。 ", "。"))
