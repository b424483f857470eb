"""Choosing a node by what a user types (an id, an import path, a dir, a name), as the CLI
resolves it; an ambiguous name offers its candidates."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from kubeatlas.app.web import state
from kubeatlas.errors import AmbiguousName, NodeNotFound
from kubeatlas.graph.model.schema import NodeKind
from kubeatlas.graph.query.atlas import Atlas


def pick(atlas: Atlas, label: str, param: str, kinds: Sequence[NodeKind], default: str = "",
         placeholder: str = "", container=st) -> str | None:
    """The node id chosen in a text box that mirrors the query parameter `param`."""
    current = state.param(param, default)
    text = container.text_input(label, value=current, placeholder=placeholder,
                                key=f"pick-{param}").strip()
    if not text:
        return None
    if text != current:
        st.query_params[param] = text
    try:
        return atlas.resolve(text, kinds)
    except AmbiguousName as exc:
        candidates = list(exc.fields.get("candidates") or [])
        return container.selectbox(f"{text!r} matches {len(candidates)} nodes — pick one",
                                   candidates, key=f"pick-{param}-{text}")
    except NodeNotFound as exc:
        container.error(str(exc))
        hits = atlas.find(text.rsplit("/", 1)[-1].rsplit(".", 1)[-1], kinds, 20)
        if hits:
            container.caption("Similar names: " + ", ".join(f"`{h.id}`" for h in hits[:10]))
        return None
