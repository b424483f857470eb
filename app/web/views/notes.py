"""Study notes page: every note `kubeatlas notes` writes — each flow (creating a Deployment, a
pod's start, a Service, a PVC, an informer, a request) and each role — in English or Chinese,
every claim cited at the pinned commit, in the language of the sidebar's switch; download it,
and check its citations against a tree."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from kubeatlas.app.web import guard, index_cache, language, state, url_widget
from kubeatlas.app.web.words import say
from kubeatlas.graph.model.schema import key_of
from kubeatlas.graph.notes.citation import check_citations
from kubeatlas.graph.notes.claim import without_claims
from kubeatlas.graph.notes.flow import load_flows
from kubeatlas.graph.notes.render import FLOW, subjects

LABELLED = "notes-subject--lang"  # the language the subjects' labels were drawn in last


def label(lang: str, key: str, **values: object) -> str:
    """The page's own words (app/web/words.py's `notes_` keys) in `lang`."""
    return say(lang, f"notes_{key}", **values)


atlas = state.atlas()
tree = state.tree(atlas)
lang = language.chosen()  # the sidebar's switch (the URL's `lang`)
st.title(say(lang, "page_notes"))
wanted = guard.param("subject", FLOW)
if wanted is None:
    st.stop()
flows = {f.id: f.title for f in load_flows()}
roles = {key_of(r.id): r.attrs.get("name") or r.name for r in index_cache.roles(atlas)}
options = subjects(atlas)
if wanted not in options:
    guard.unknown(say(lang, "notes_subject"), wanted)


def _label(subject: str) -> str:
    if subject in flows:
        en, zh = flows[subject]
        return label(lang, "flow", title=zh if lang == "zh" and zh else en)
    return label(lang, "role", name=roles.get(subject, subject))


url_widget.follow("notes-subject", "subject", wanted if wanted in options else None,
                  again=lang != st.session_state.get(LABELLED))  # labels in another language
st.session_state[LABELLED] = lang
subject = st.selectbox(label(lang, "note"), options, index=None, key="notes-subject",
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
    # the claims stay in the download (`kubeatlas notes --check` reads them), not on the page
    st.markdown(without_claims(note.markdown))
