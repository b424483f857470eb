"""The search box on every page (sidebar): type-ahead over roles, API kinds, packages, types,
functions, methods and minik8s components, ranked; a hit is a link to its page, and Enter opens
the top hit's page."""

from __future__ import annotations

from typing import Any

import streamlit as st

from kubeatlas.app.web import guard, index_cache, language, links, nav
from kubeatlas.app.web.words import KEYS, say
from kubeatlas.graph.notes.glossary import load_glossary, phrase
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.query.search import MIN_CHARS, Hit

SHOWN_HITS = 8
KEY = "search-box"
_BADGE = {"Role": "role", "ApiKind": "kind", "Package": "pkg", "ExternalPackage": "ext",
          "Type": "type", "Function": "func", "Method": "method", "MiniComponent": "mini"}
# Enter in the box reports the text typed (a trigger value): the text input commits on Enter
# too, but a commit does not say whether Enter or a typing pause made it
_ENTER_JS = """
export default function (component) {
  const { setTriggerValue } = component;
  const onKey = (event) => {
    if (event.key !== "Enter" || event.isComposing) return;
    const target = event.target;
    if (!target || !target.closest || !target.closest(".st-key-KEY")) return;
    setTriggerValue("enter", target.value);
  };
  document.addEventListener("keydown", onKey, true);
  document.body.dataset.kubeatlasEnter = "ready";  // what a test waits for before pressing Enter
  return () => {
    document.removeEventListener("keydown", onKey, true);
    delete document.body.dataset.kubeatlasEnter;
  };
}
""".replace("KEY", KEY)
_enter_watch = st.components.v2.component("kubeatlas_search_enter", js=_ENTER_JS,
                                          isolate_styles=False)


def glossary_terms(text: str) -> list[tuple[str, str]]:
    """(Chinese, English) of the glossary's terms that `text` names in Chinese (`调度器` ->
    scheduler): the index's names are English, and many learners read Chinese first."""
    if text.isascii():
        return []
    found = [(zh, en) for en, zh in load_glossary().terms.items()
             if zh != en and not zh.isascii() and (zh in text or (len(text) >= 2 and text in zh))]
    return sorted(found, key=lambda pair: (-len(pair[0]), pair[1]))[:SHOWN_HITS]


def roles_named(atlas: Atlas, text: str) -> list[str]:
    """The roles a Chinese `text` names: by their Chinese name (设备插件, 容器运行时接口), or by
    an English term of the glossary that their name holds (调度器 -> kube-scheduler)."""
    if text.isascii():
        return []
    names = {r.id: str(r.attrs.get("name") or r.name) for r in index_cache.roles(atlas)}
    # a role's own Chinese name first: 容器运行时接口 is CRI, not every name holding 接口
    found = [rid for rid, name in names.items() if text in phrase(name, "zh")]
    if not found:
        terms = [en.lower() for _, en in glossary_terms(text)]
        found = [rid for rid, name in names.items() if any(t in name.lower() for t in terms)]
    return found[:SHOWN_HITS]


def glossary_links(text: str, atlas: Atlas, container: Any = st) -> bool:
    """For a Chinese `text`: links to the roles it names, then each English term it names, a
    link to a search for it when that finds something (调度器 = scheduler), said only when not
    (主循环 = main loop: no name holds it); False when none."""
    lang = language.chosen()
    roles = {r.id: r for r in index_cache.roles(atlas)}
    for rid in roles_named(atlas, text):
        name = phrase(str(roles[rid].attrs.get("name") or roles[rid].name), lang)
        links.node_link(rid, say(lang, "box_role", name=name), container)
    pairs = glossary_terms(text)
    for zh, en in pairs:
        if index_cache.ranked_search(atlas, en, 1):
            container.page_link(nav.SEARCH, label=say(lang, "box_term", zh=zh, en=en),
                                query_params=language.params({"q": en}),
                                icon=":material/translate:")
        else:
            container.caption(say(lang, "box_term_only", zh=zh, en=en))
    return bool(pairs) or bool(roles_named(atlas, text))


def label(hit: Hit) -> str:
    tag = "" if hit.tier == "production" else f" · {say(language.chosen(), 'tier_' + hit.tier)}"
    return f"{short_name(hit.id)}  ({badge(hit.node.kind)}{tag})"


def badge(kind: str, type_kind: str = "") -> str:
    """What a node of this kind is, in a word of the language chosen (Method: method, 方法); a
    type by its own kind when it has one (struct: 结构体)."""
    lang = language.chosen()
    if type_kind:
        return say(lang, f"type_kind_{type_kind}") if f"type_kind_{type_kind}" in KEYS else type_kind
    word = _BADGE.get(kind)
    return say(lang, f"badge_{word}") if word else kind


def sidebar(atlas: Atlas) -> None:
    with st.sidebar:
        _box(atlas)


@st.fragment
def _box(atlas: Atlas) -> None:
    lang = language.chosen()
    typed = st.text_input(say(lang, "page_search"), key=KEY, type="search", live="150ms",
                          placeholder="scheduleOne, kubelet, Deployment …", max_chars=guard.MAX_INPUT)
    entered = _enter_watch(key=f"{KEY}-enter", height=0, on_enter_change=_ignore).enter
    if isinstance(entered, str) and entered.strip():
        _open_top_hit(atlas, entered)
    text = guard.clean(typed or "", say(lang, "what_search"))
    if not text:
        return
    if len(text) < MIN_CHARS:
        st.caption(say(lang, "box_short", count=MIN_CHARS))
        return
    hits = index_cache.ranked_search(atlas, text, SHOWN_HITS + 1)
    if not hits:
        st.caption(say(lang, "box_nothing", text=guard.shown(text)))
        glossary_links(text, atlas)
        return
    for hit in hits[:SHOWN_HITS]:
        links.node_link(hit.id, label(hit), help=hit.id)
    st.page_link(nav.SEARCH, label=say(lang, "box_all"), query_params=language.params({"q": text}),
                 icon=":material/search:")


def _ignore() -> None:
    """Enter is read from the component's value in the fragment (a callback cannot switch
    pages); the callback only declares the trigger."""


def _open_top_hit(atlas: Atlas, entered: str) -> None:
    """Switch to the page of the best hit for `entered` (the text at the moment Enter was
    pressed, committed or not); text that is refused or finds nothing stays on this page,
    where the box says why."""
    text = entered.strip()
    if guard.problem(text, "search text") or len(text) < MIN_CHARS:
        return
    hits = index_cache.ranked_search(atlas, text, SHOWN_HITS + 1)
    target = links.page_of(hits[0].id) if hits else None
    if target is not None:
        st.switch_page(target[0], query_params=target[1])
