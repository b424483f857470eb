"""API kinds page: a kind's card — the Go types that define it, the registry that stores it,
the packages that watch it, the controllers that reconcile it, the functions that write it
through client-go's typed client, and the components that write it (the kubelet's Lease
through the lease controller it runs)."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import evidence, guard, index_cache, language, links, state, url_widget
from kubeatlas.app.web.words import say
from kubeatlas.errors import KubeatlasError
from kubeatlas.graph.model.schema import EdgeKind, NodeKind, key_of
from kubeatlas.graph.notes.glossary import phrase
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.query.apiserver import WRITES

# the relations of a kind, in the order shown, with the words (app/web/words/kinds.py) of each
SECTIONS = ((EdgeKind.DEFINES_KIND, "kinds_defines"), (EdgeKind.STORES, "kinds_stores"),
            (EdgeKind.WATCHES, "kinds_watches"), (EdgeKind.RECONCILES, "kinds_reconciles"),
            (WRITES, "kinds_writes"))

atlas = state.atlas()
lang = language.chosen()
tree = state.tree(atlas)
st.title(say(lang, "ch_kinds"))
kinds = atlas.reader.get_nodes(atlas.reader.ids_with_kind(str(NodeKind.API_KIND)))
if not kinds:
    st.info(say(lang, "kinds_none"))
    st.stop()
ids = sorted(kinds, key=lambda k: (kinds[k].name, k))


with state.reported():
    wanted = guard.param("kind", "Deployment")
    if wanted is None:
        st.stop()
    try:
        current: str | None = wanted if wanted in kinds else atlas.resolve(
            wanted, (NodeKind.API_KIND,))
    except KubeatlasError:  # unknown or ambiguous: say so, never show another kind
        guard.unknown(say(lang, "kinds_what"), wanted)
        current = None
    url_widget.follow("kind-choice", "kind", current if current in ids else None)
    kid = st.selectbox(say(lang, "kinds_box"), ids, index=None, key="kind-choice",
                       format_func=lambda k: f"{kinds[k].name} ({key_of(k)})",
                       placeholder=say(lang, "kinds_choose"))
    url_widget.publish("kind-choice", "kind", kid, wanted)
    if kid is None:
        st.stop()
    card = index_cache.kind_card(atlas, kid)
    a = card["kind"]
    st.header(f"{a.get('name')}  ·  {a.get('group') or 'core'}/{a.get('version')}")
    st.caption(say(lang, "kinds_versions", versions=", ".join(a.get("versions") or []),
                   preferred=say(lang, "yes" if a.get("preferred") else "no"),
                   resource=say(lang, "yes" if a.get("resource") else "no")))
    by_relation: dict[str, list[tuple[str, str]]] = {}
    for relation, other, detail in card["relations"]:
        by_relation.setdefault(relation, []).append((other, detail))
    others = atlas.reader.get_nodes([o for rel in by_relation.values() for o, _ in rel])
    for relation, title in SECTIONS:
        found = by_relation.get(str(relation), [])
        st.subheader(say(lang, "kinds_section", title=say(lang, title), count=len(found)))
        if not found:
            st.caption(say(lang, "kinds_nothing"))
        for other, detail in found:
            left, right = st.columns([2, 3])
            links.node_link(other, key_of(other), left)
            node = others.get(other)
            loc = links.code_md(tree, node.attrs) if node else ""
            right.markdown(" · ".join(x for x in (loc, evidence.evidence_md(tree, detail, lang)) if x) or " ")
    writing = index_cache.roles_writing(atlas, kid)
    st.subheader(say(lang, "kinds_section", title=say(lang, "kinds_roles"), count=len(writing)))
    st.caption(say(lang, "kinds_roles_intro"))
    if not writing:
        st.caption(say(lang, "kinds_nothing"))
    roles = atlas.reader.get_nodes([role for role, _ in writing])
    writers = atlas.reader.get_nodes(sorted({f for _, w in writing
                                             for f in (w.function, w.via, w.writer) if f}))
    for role, write in writing:
        left, right = st.columns([2, 3])
        links.node_link(role, phrase(roles[role].attrs.get("name") or roles[role].name, lang), left)
        right.markdown(f"`{short_name(write.function)}` " + links.write_md(tree, writers, write))
