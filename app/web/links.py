"""Links from a page: `file:line` to GitHub at the pinned commit, and to the app's own pages
(in the language chosen)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from kubeatlas.app.web import language, nav, words
from kubeatlas.graph.model.schema import NodeKind, key_of, kind_of
from kubeatlas.graph.notes.citation import source_url
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.query.apiserver import Write
from kubeatlas.graph.query.atlas import NodeRecord

_LOCATION = re.compile(r"^([\w./+-]+\.go):(\d+)(.*)$")
# node kind -> (page, query parameter) that shows it
_PAGE_OF = {
    NodeKind.ROLE: (nav.ROLE, "role"),
    NodeKind.PACKAGE: (nav.PACKAGE, "pkg"),
    NodeKind.EXTERNAL_PACKAGE: (nav.PACKAGE, "pkg"),
    NodeKind.TYPE: (nav.CODE, "id"),
    NodeKind.FUNCTION: (nav.CODE, "id"),
    NodeKind.METHOD: (nav.CODE, "id"),
    NodeKind.MINI_COMPONENT: (nav.CODE, "id"),
    NodeKind.API_KIND: (nav.KINDS, "kind"),
}


def where(attrs: Mapping[str, Any]) -> str:
    """`path:line` of a declaration, '' when it has none."""
    if not attrs.get("file"):
        return ""
    return f"{attrs['file']}:{attrs['line']}" if attrs.get("line") else str(attrs["file"])


def code_url(tree: Mapping[str, Any], attrs: Mapping[str, Any]) -> str:
    return source_url(tree, str(attrs.get("file") or attrs.get("path") or ""),
                      attrs.get("line") or None)


def code_md(tree: Mapping[str, Any], attrs: Mapping[str, Any]) -> str:
    """`[path:line](github)` for Markdown, or plain `path:line` when the tree is not pinned."""
    label = where(attrs) or str(attrs.get("path") or "")
    url = code_url(tree, attrs)
    return f"[{label}]({url})" if url and label else label


def evidence_md(tree: Mapping[str, Any], text: str) -> str:
    """`pkg/x/y.go:12 rest` -> a GitHub link for the location and the rest as code."""
    match = _LOCATION.match(text)
    if not match:
        return f"`{text}`" if text else ""
    path, line, rest = match.group(1), int(match.group(2)), match.group(3).strip()
    return code_md(tree, {"file": path, "line": line}) + (f" `{rest}`" if rest else "")


def page_of(nid: str) -> tuple[str, dict[str, str]] | None:
    try:
        kind = kind_of(nid)
    except ValueError:
        return None
    found = _PAGE_OF.get(kind)
    if found is None:
        return None
    page, name = found
    return page, {name: key_of(nid) if kind is NodeKind.ROLE else nid}


def node_link(nid: str, label: str | None = None, container: Any = st, help: str | None = None
              ) -> None:
    """An st.page_link to the page that shows `nid`, or its name as text."""
    target = page_of(nid)
    text = label or short_name(nid)
    if target is None:
        container.markdown(f"`{text}`")
        return
    page, params = target
    container.page_link(page, label=text, query_params=language.params(params), help=help)


def capped_links(ids: Sequence[str], cap: int, container: Any = st,
                 labels: Mapping[str, str] | None = None) -> None:
    """Page links for the first `cap` ids and an "N more" marker for the rest."""
    for nid in ids[:cap]:
        node_link(nid, (labels or {}).get(nid), container)
    more_marker(len(ids) - cap, container)


def more_marker(count: int, container: Any = st) -> None:
    if count > 0:
        container.caption(words.say(language.chosen(), "more", count=count))


def write_md(tree: Mapping[str, Any], writers: Mapping[str, NodeRecord], write: Write) -> str:
    """The typed client's call, or the helper's call then the helper's own call of the client,
    or the call into library code then the library's call of the client further on."""
    def file(function: str) -> str:
        return str(writers[function].attrs.get("file", "")) if function in writers else ""

    if not write.via:
        return evidence_md(tree, f"{file(write.function)}:{write.line} {write.method}")
    client = f"{short_name(write.writer)} → {write.method}" if write.writer else write.method
    return (evidence_md(tree, f"{file(write.function)}:{write.line} {short_name(write.via)}")
            + (" → … → " if write.writer else " → ")
            + evidence_md(tree, f"{file(write.calls_client)}:{write.via_line} {client}"))
