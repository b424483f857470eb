"""Study notes page: a role's note or the Deployment-creation flow as Markdown, every claim
cited at the pinned commit; download it, and check its citations against a tree."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from kubeatlas.app.web import guard, state
from kubeatlas.graph.model.schema import key_of
from kubeatlas.graph.notes.citation import check_citations
from kubeatlas.graph.notes.render import FLOW, Note, build_note
from kubeatlas.graph.query.atlas import Atlas


@st.cache_resource(show_spinner="Writing the note …", max_entries=32)
def _note(_atlas: Atlas, index: tuple[str, int], subject: str) -> Note:
    """Built once per index version and subject, not on every rerun (e.g. `Check citations`)."""
    return build_note(_atlas, subject)


atlas = state.atlas()
tree = state.tree(atlas)
st.title("Study notes")
roles = {key_of(r.id): r.attrs.get("name") or r.name for r in atlas.roles()}
subjects = [FLOW, *roles]
wanted = guard.param("subject", FLOW)
if wanted is None:
    st.stop()
if wanted not in subjects:
    guard.unknown("note subject", wanted)
subject = st.selectbox("note", subjects,
                       index=subjects.index(wanted) if wanted in subjects else None,
                       format_func=lambda s: "Creating a Deployment (the whole flow)" if s == FLOW
                       else f"role: {roles[s]}", placeholder="choose a note")
if subject is None:
    st.stop()
if subject != wanted:
    st.query_params["subject"] = subject

with state.reported():
    note = _note(atlas, state.version(), subject)
    c1, c2 = st.columns([1, 3])
    c1.download_button("Download Markdown", note.markdown, file_name=f"{subject}.md",
                       mime="text/markdown")
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
