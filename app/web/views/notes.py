"""Study notes page: every note `kubeatlas notes` writes — each flow (creating a Deployment, a
pod's start, a Service, a PVC, an informer, a request) and each role — in English or Chinese,
every claim cited at the pinned commit; download it, and check its citations against a tree."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from kubeatlas.app.web import guard, index_cache, state, url_widget
from kubeatlas.graph.model.schema import key_of
from kubeatlas.graph.notes.citation import check_citations
from kubeatlas.graph.notes.flow import load_flows
from kubeatlas.graph.notes.lang import LANGS
from kubeatlas.graph.notes.render import FLOW, subjects

LANGUAGES = {"en": "English", "zh": "中文"}
# the page's own words in each language of the notes (the note itself is written by graph/notes)
LABELS = {
    "title": ("Study notes", "学习笔记"),
    "note": ("note", "笔记"),
    "choose": ("choose a note", "选择一篇笔记"),
    "flow": ("flow: {title}", "流程：{title}"),
    "role": ("role: {name}", "组件：{name}"),
    "writing": ("Writing the note …", "正在生成笔记 …"),
    "download": ("Download Markdown", "下载 Markdown"),
    "check": ("Check the {count} citations against a tree", "对照源码树核对这 {count} 处引用"),
    "tree": ("Kubernetes tree: a checkout's directory (empty: the indexed one)",
             "Kubernetes 源码树：检出目录（留空：建立索引的那一份）"),
    "indexed": ("the indexed checkout", "建立索引的源码树"),
    "check_button": ("Check citations", "核对引用"),
    "no_tree": ("no tree at {root}", "找不到源码树：{root}"),
    "stale": ("{count} stale citations", "{count} 处引用已失效"),
    "hold": ("all {count} citations hold in {root}", "全部 {count} 处引用在{root}中成立"),
}


def label(lang: str, key: str, **values: object) -> str:
    en, zh = LABELS[key]
    return (zh if lang == "zh" else en).format(**values)


def language(text: str) -> str | None:
    """A note language from the URL: `zh`, `ZH`, `zh-CN`, `zh_Hans` -> zh; None if unknown."""
    code = text.strip().lower().replace("_", "-").split("-", 1)[0]
    return code if code in LANGS else None


atlas = state.atlas()
tree = state.tree(atlas)
title = st.empty()  # written once the language is known (the switch below may change it)
wanted = guard.param("subject", FLOW)
asked_lang = guard.param("lang", "en")
if wanted is None or asked_lang is None:
    st.stop()
wanted_lang = language(asked_lang)
if wanted_lang is None:  # say so, and offer the languages there are
    st.warning(f"no note language '{guard.shown(asked_lang)}'; notes are written in English "
               "(lang=en) and Chinese (lang=zh, 中文). Showing English.")
    wanted_lang = "en"
flows = {f.id: f.title for f in load_flows()}
roles = {key_of(r.id): r.attrs.get("name") or r.name for r in index_cache.roles(atlas)}
options = subjects(atlas)
if wanted not in options:
    guard.unknown("note subject", wanted)
left, right = st.columns([4, 1])
url_widget.follow("notes-lang", "lang", wanted_lang)
lang = right.radio("language · 语言", list(LANGS), key="notes-lang",
                   format_func=lambda code: LANGUAGES.get(code, code), horizontal=True)
url_widget.publish("notes-lang", "lang", lang, asked_lang)
title.title(label(lang, "title"))


def _label(subject: str) -> str:
    if subject in flows:
        en, zh = flows[subject]
        return label(lang, "flow", title=zh if lang == "zh" and zh else en)
    return label(lang, "role", name=roles.get(subject, subject))


url_widget.follow("notes-subject", "subject", wanted if wanted in options else None,
                  again=lang != asked_lang)  # the labels are in the other language now
subject = left.selectbox(label(lang, "note"), options, index=None, key="notes-subject",
                         format_func=_label, placeholder=label(lang, "choose"))
url_widget.publish("notes-subject", "subject", subject, wanted)
if subject is None:
    st.stop()

with state.reported():
    with st.spinner(label(lang, "writing")):
        note = index_cache.note(atlas, subject, lang)
    c1, c2 = st.columns([1, 3])
    c1.download_button(label(lang, "download"), note.markdown, mime="text/markdown",
                       file_name=f"{subject}.md" if lang == "en" else f"{subject}.{lang}.md")
    with c2.expander(label(lang, "check", count=len(note.citations))):
        # the indexed checkout by default, never its server path on the page
        typed = st.text_input(label(lang, "tree"), max_chars=4096).strip()
        root = typed or str(tree.get("root") or "")
        named = f"`{typed}`" if typed else label(lang, "indexed")
        if st.button(label(lang, "check_button")):
            if not root or not Path(root).is_dir():
                st.error(label(lang, "no_tree", root=named))
            else:
                stale = check_citations(list(note.citations), Path(root))
                if stale:
                    st.warning(label(lang, "stale", count=len(stale)))
                    st.dataframe([s.as_json() for s in stale], hide_index=True)
                else:
                    st.success(label(lang, "hold", count=len(note.citations), root=named))
    st.markdown(note.markdown)
