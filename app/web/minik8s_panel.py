"""minik8s beside the real code: the mini component(s) illustrating a role, package, type or
function — the Python module, its source, the real code it mirrors and what it simplifies."""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from kubeatlas.app.web import language, links
from kubeatlas.app.web.words import say
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.query.atlas import Atlas, NodeRecord
from kubeatlas.graph.query.code import mini_summary, mirrored
from kubeatlas.graph.query.source_text import SourceText, read_mini_module


def docstring(source: SourceText) -> str:
    """The module docstring: how the mini component mirrors, and simplifies, the real one."""
    try:
        return ast.get_docstring(ast.parse(source.text)) or ""
    except SyntaxError:
        return ""


def illustrations(atlas: Atlas, tree: Mapping[str, Any], minis: Sequence[NodeRecord]) -> None:
    lang = language.chosen()
    if not minis:
        st.caption(say(lang, "no_mini"))
        return
    for mini in minis:
        st.markdown(f"**minik8s `{mini.attrs.get('module', '')}`** — {mini_summary(mini, lang)}")
        links.node_link(mini.id, say(lang, "mini_open", name=mini.name))
        _body(atlas, tree, mini, expanded=False)


def component_links(minis: Sequence[NodeRecord]) -> None:
    """One link per mini component, to its page (module, source, the code it mirrors): the
    short form for a page that lists many (a role's)."""
    lang = language.chosen()
    if not minis:
        st.caption(say(lang, "no_mini"))
        return
    for mini in minis:
        links.node_link(mini.id, f"minik8s **{mini.name}** — {mini_summary(mini, lang)}",
                        help=str(mini.attrs.get("module") or "") or None)


def component_page(atlas: Atlas, tree: Mapping[str, Any], mini_id: str) -> None:
    mini = atlas.node(mini_id)
    st.title(f"minik8s: {mini.name}")
    st.caption(f"`{mini.attrs.get('module', '')}` — {mini_summary(mini, language.chosen())}")
    _body(atlas, tree, mini, expanded=True)


def _body(atlas: Atlas, tree: Mapping[str, Any], mini: NodeRecord, expanded: bool) -> None:
    lang = language.chosen()
    source = read_mini_module(str(mini.attrs.get("module") or ""))
    doc = docstring(source)
    chinese = str(mini.attrs.get("summary_zh") or "") if lang == "zh" else ""
    if chinese:  # the module's docstring is English: a Chinese page says it in Chinese
        st.markdown(say(lang, "mini_doc"))
        st.markdown(chinese)
        if doc:
            with st.expander(say(lang, "mini_docstring")):
                st.markdown(doc)
    elif doc:
        st.markdown(say(lang, "mini_doc"))
        st.markdown(doc)
    real = mirrored(atlas, mini.id)
    # the lists and the source are drawn when their expander is open (a click reruns the page)
    key = f"mini-real-{mini.id}"
    listed = st.expander(say(lang, "mini_mirrors", count=len(real)), key=key, on_change="rerun",
                         expanded=expanded or language.kept_open(key))
    if listed.open:
        found = atlas.reader.get_nodes(real)
        with listed:
            for nid in real:
                left, right = st.columns([2, 3])
                links.node_link(nid, short_name(nid), left, help=nid)
                node = found.get(nid)
                right.markdown(links.code_md(tree, node.attrs) if node else say(lang, "mini_not_in_tree"))
    missing = mini.attrs.get("missing") or []
    if missing:
        st.caption(say(lang, "mini_missing", names=", ".join(f"`{m}`" for m in missing)))
    key = f"mini-source-{mini.id}"
    code = st.expander(say(lang, "mini_source"), key=key, on_change="rerun",
                       expanded=expanded or language.kept_open(key))
    if code.open:
        with code:
            if source.text:
                st.code(source.text, language="python", line_numbers=True)
            else:
                st.warning(say(lang, "mini_no_source", problem=source.problem))
