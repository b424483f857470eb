"""Choosing a node by what a user types (an id, an import path, a dir, a short name, part of a
name), as the CLI resolves it; an ambiguous or partial name offers ranked candidates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from kubeatlas.app.web import guard, search_box
from kubeatlas.errors import AmbiguousName, NodeNotFound
from kubeatlas.graph.model.schema import NodeKind
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.query.search import SEARCHED_KINDS, Hit, match_class, rank_key, ranked_search, tier_of

MAX_CANDIDATES = 50


def pick(atlas: Atlas, label: str, param: str, kinds: Sequence[NodeKind], default: str = "",
         placeholder: str = "", container: Any = st) -> str | None:
    """The node id chosen in a text box that mirrors the query parameter `param`."""
    current = guard.param(param, default, container)
    if current is None:
        return None
    typed = container.text_input(label, value=current, placeholder=placeholder,
                                 key=f"pick-{param}", max_chars=guard.MAX_INPUT)
    text = guard.clean(typed or "", label, container)
    if not text:
        return None
    if text != current:
        st.query_params[param] = text
    return choose(atlas, text, kinds, key=f"pick-{param}-{text}", container=container)


def choose(atlas: Atlas, text: str, kinds: Sequence[NodeKind], key: str,
           container: Any = st) -> str | None:
    """`text` resolved to one id; several candidates -> a ranked choice; none -> a message and
    the nearest names as a choice."""
    names = tuple(str(k) for k in kinds)
    try:
        return atlas.resolve(text, kinds)
    except AmbiguousName as exc:
        listed = exc.fields.get("candidates")
        ids = [str(c) for c in listed] if isinstance(listed, (list, tuple)) else []
        found = atlas.reader.get_nodes(ids)
        hits = sorted((Hit(n, match_class(n, text.rsplit(".", 1)[-1]), tier_of(n))
                       for n in found.values()), key=lambda h: rank_key(h, text))
        prompt = f"'{guard.shown(text)}' matches {len(ids)} nodes — pick one (best first)"
    except NodeNotFound:
        hits = ranked_search(atlas.reader, text.rsplit("/", 1)[-1], MAX_CANDIDATES,
                             names or SEARCHED_KINDS)
        if not hits:
            container.error(f"nothing named '{guard.shown(text)}' in this index")
            return None
        prompt = f"no exact match for '{guard.shown(text)}' — did you mean (best first)"
    options = [h.id for h in hits[:MAX_CANDIDATES]]
    labels = {h.id: search_box.label(h) for h in hits}
    return container.selectbox(prompt, options, index=None, key=key,
                               format_func=lambda i: labels.get(i, i),
                               placeholder="choose a candidate")
