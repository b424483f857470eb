"""Choosing a node by what a user types (an id, an import path, a dir, a short name, part of a
name), as the CLI resolves it; an ambiguous or partial name offers ranked candidates — the
code of the role a page was opened from (URL parameter `role`) first, as `--role` does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from kubeatlas.app.web import directory_view, guard, language, search_box, url_widget
from kubeatlas.app.web.words import say
from kubeatlas.errors import AmbiguousName, DirectoryOnly, NodeNotFound
from kubeatlas.graph.model.schema import NodeKind
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.query.directory import list_directory
from kubeatlas.graph.query.names import rank_ids
from kubeatlas.graph.query.search import SEARCHED_KINDS, Hit, match_class, rank_key, ranked_search, tier_of

MAX_CANDIDATES = 50
_TREE_DIRS = ("pkg/", "staging/", "cmd/", "plugin/")  # what kubeatlas indexes of a tree


def pick(atlas: Atlas, label: str, param: str, kinds: Sequence[NodeKind], default: str = "",
         placeholder: str = "", container: Any = st) -> str | None:
    """The node id chosen in a text box that mirrors the query parameter `param`."""
    current = guard.param(param, default, container)
    if current is None:
        return None
    key = f"pick-{param}"
    url_widget.follow(key, param, current)  # a link to this page with another name shows that name
    typed = container.text_input(label, placeholder=placeholder, key=key,
                                 max_chars=guard.MAX_INPUT)
    text = guard.clean(typed or "", label, container)
    if text is not None:  # an emptied box takes its name out of the URL too
        url_widget.publish(key, param, text, current)
    if not text:
        return None
    return choose(atlas, text, kinds, key=f"pick-{param}-{text}", container=container,
                  role=role_in_question(atlas))


def waiting(param: str) -> bool:
    """Whether the box for `param` holds a name that is waiting for a pick among candidates
    (pick() returned None for it), rather than being empty or refused."""
    text = st.session_state.get(f"pick-{param}")
    return isinstance(text, str) and bool(text.strip()) and not guard.problem(text, param)


def role_in_question(atlas: Atlas) -> str | None:
    """The role id a page was opened for (URL parameter `role`, as the role page sets it);
    None without one, or when it names no role of this index."""
    key = st.query_params.get("role", "")
    if not isinstance(key, str) or not key or guard.problem(key, "role"):
        return None
    rid = f"role:{key.removeprefix('role:')}"
    return rid if atlas.reader.get_nodes([rid]) else None


def choose(atlas: Atlas, text: str, kinds: Sequence[NodeKind], key: str,
           container: Any = st, role: str | None = None) -> str | None:
    """`text` resolved to one id; several candidates -> a ranked choice (with `role`, a role
    id, its packages' code first after production-before-tests); none -> a message and the
    nearest names as a choice."""
    names = tuple(str(k) for k in kinds)
    directory = False
    lang = language.chosen()
    try:
        return atlas.resolve(text, kinds)
    except AmbiguousName as exc:
        listed = exc.fields.get("candidates")
        ids = [str(c) for c in listed] if isinstance(listed, (list, tuple)) else []
        found = atlas.reader.get_nodes(ids)
        # as the CLI picks (graph/query/names.py rank_ids: production, the role's code, the
        # most called), an exact name before a name that only ends like it
        place = {nid: i for i, nid in enumerate(rank_ids(atlas.reader, list(found), role))}
        hits = sorted((Hit(n, match_class(n, text.rsplit(".", 1)[-1]), tier_of(n))
                       for n in found.values()),
                      key=lambda h: (rank_key(h, text)[0], place[h.id]))
        first = say(lang, "pick_role_first", role=role.removeprefix("role:")) if role else ""
        prompt = say(lang, "pick_ambiguous", text=guard.shown(text), count=len(ids), first=first)
    except DirectoryOnly as exc:  # `pkg/apis`: the packages under the directory, to open
        listed = exc.fields.get("packages")
        found = atlas.reader.get_nodes([str(p) for p in listed]
                                       if isinstance(listed, (list, tuple)) else [])
        hits = [Hit(n, "prefix", tier_of(n)) for n in found.values()]
        hits.sort(key=lambda h: (h.id.count("/"), h.id))
        if len(hits) == 1:  # `pkg/cluster`: nothing to choose, the one package is shown
            container.caption(say(lang, "pick_directory_one", text=guard.shown(text),
                                  package=str(hits[0].node.attrs.get("dir") or hits[0].id)))
            return hits[0].id
        directory = True
        listing = list_directory(atlas.reader, text)
        if listing is not None:  # `cmd`, `staging/src/k8s.io`: its entries, each a link
            directory_view.entries(listing, container)
        prompt = say(lang, "pick_directory", text=guard.shown(text), count=len(hits))
    except NodeNotFound:
        hits = ranked_search(atlas.reader, text.rsplit("/", 1)[-1], MAX_CANDIDATES,
                             names or SEARCHED_KINDS)
        if not hits:
            # a directory of a listing (the seed post's `ls staging/src/k8s.io/` names
            # noderesourcetopology-api, which 1.28 does not have) is said to be one
            said = "pick_no_directory" if text.startswith(_TREE_DIRS) else "pick_nothing"
            container.error(say(lang, said, text=guard.shown(text)))
            return None
        prompt = say(lang, "pick_nearest", text=guard.shown(text))
    # every package under a directory (`pkg/apis` has 155), the best of other candidates
    options = [h.id for h in (hits if directory else hits[:MAX_CANDIDATES])]
    labels = {h.id: search_box.label(h) for h in hits}
    return container.selectbox(prompt, options, index=None, key=key,
                               format_func=lambda i: labels.get(i, i),
                               placeholder=say(lang, "pick_choose"))
