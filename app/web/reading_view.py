"""The role page's reading guide: the role's main loop step by step and where to start reading
(the breakpoints of its walkthrough in data/roles.yaml, in the order the code runs), each step
placed on the graph as the study note places it and linked to its code page and to GitHub."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from kubeatlas.app.web import links, words
from kubeatlas.graph.notes.lang import pick, say
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.notes.walk import Placed

Parts = Sequence[tuple[str, Sequence[Placed]]]


def breakpoints(parts: Parts) -> list[Placed]:
    """The steps marked as breakpoints, each node once, in the walkthrough's order (start-up,
    main loop, data flow): the study note's "where to start reading"."""
    seen: set[str] = set()
    marked = []
    for _, placed in parts:
        for p in placed:
            if p.step.breakpoint and p.node.attrs.get("file") and p.node.id not in seen:
                seen.add(p.node.id)
                marked.append(p)
    return marked


def show(tree: Mapping[str, Any], parts: Parts, name: str, lang: str = "en") -> None:
    """Main loop, then where to start reading, in `lang`; a role without them says so."""
    if not parts:
        st.caption(words.say(lang, "no_walkthrough", name=name))
        return
    loop = next((placed for part, placed in parts if part == "loop"), ())
    st.subheader(say(lang, "part_loop"))
    if loop:
        for p in loop:
            _step(tree, p, lang)
    else:
        st.caption(words.say(lang, "no_loop", name=name))
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
