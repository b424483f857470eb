"""Study notes page: every note `kubeatlas notes` writes — each flow (creating a Deployment, a
pod's start, a Service, a PVC, an informer, a request) and each role — in English or Chinese,
every claim cited at the pinned commit; download it, and check its citations against a tree."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from kubeatlas.app.web import guard, index_cache, state
from kubeatlas.graph.model.schema import key_of
from kubeatlas.graph.notes.citation import check_citations
from kubeatlas.graph.notes.flow import load_flows
from kubeatlas.graph.notes.lang import LANGS
from kubeatlas.graph.notes.render import FLOW, subjects

LANGUAGES = {"en": "English", "zh": "中文"}

atlas = state.atlas()
tree = state.tree(atlas)
st.title("Study notes")
wanted = guard.param("subject", FLOW)
wanted_lang = guard.param("lang", "en")
if wanted is None or wanted_lang is None:
    st.stop()
if wanted_lang not in LANGS:
    guard.unknown("note language", wanted_lang)
    st.stop()
flows = {f.id: f.title for f in load_flows()}
roles = {key_of(r.id): r.attrs.get("name") or r.name for r in index_cache.roles(atlas)}
options = subjects(atlas)
if wanted not in options:
    guard.unknown("note subject", wanted)
left, right = st.columns([4, 1])
lang = right.radio("language", list(LANGS), index=list(LANGS).index(wanted_lang),
                   format_func=lambda code: LANGUAGES.get(code, code), horizontal=True)


def _label(subject: str) -> str:
    if subject in flows:
        en, zh = flows[subject]
        return f"flow: {zh if lang == 'zh' and zh else en}"
    return f"role: {roles.get(subject, subject)}"


subject = left.selectbox("note", options,
                         index=options.index(wanted) if wanted in options else None,
                         format_func=_label, placeholder="choose a note")
if subject is None:
    st.stop()
if subject != wanted:
    st.query_params["subject"] = subject
if lang != wanted_lang:
    st.query_params["lang"] = lang

with state.reported():
    note = index_cache.note(atlas, subject, lang)
    c1, c2 = st.columns([1, 3])
    c1.download_button("Download Markdown", note.markdown, mime="text/markdown",
                       file_name=f"{subject}.md" if lang == "en" else f"{subject}.{lang}.md")
    with c2.expander(f"Check the {len(note.citations)} citations against a tree"):
        root = st.text_input("Kubernetes tree", value=str(tree.get("root") or ""))
        if st.button("Check citations"):
            if not root or not Path(root).is_dir():
                st.error(f"no tree at {root!r}")
            else:
                stale = check_citations(list(note.citations), Path(root))
                if stale:
                    st.warning(f"{len(stale)} stale citations")
                    st.dataframe([s.as_json() for s in stale], hide_index=True)
                else:
                    st.success(f"all {len(note.citations)} citations hold in {root}")
    st.markdown(note.markdown)
