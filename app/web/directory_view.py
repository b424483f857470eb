"""A directory of the tree on the package page (`cmd`, `staging/src/k8s.io`, `pkg/kubelet`):
its sub-directories and packages, each a link to its own listing or package, in the language
chosen."""

from __future__ import annotations

from typing import Any

import streamlit as st

from kubeatlas.app.web import language, nav
from kubeatlas.app.web.words import say
from kubeatlas.graph.query.directory import Directory, Entry


def entries(directory: Directory, container: Any = st) -> None:
    """The heading and one link per entry (opening the package page for its directory)."""
    lang = language.chosen()
    container.markdown(say(lang, "dir_entries", dir=directory.dir, count=len(directory.entries)))
    for entry in directory.entries:
        container.page_link(nav.PACKAGE, label=label(entry, directory.dir, lang),
                            query_params=language.params({"pkg": entry.dir}), help=entry.dir)


def label(entry: Entry, parent: str, lang: str) -> str:
    """`kubelet/ — 3 packages`: the entry's path below `parent` and what it holds."""
    name = entry.dir[len(parent) + 1:]
    if entry.package and entry.packages == 1:
        return say(lang, "dir_entry_package", name=name)
    if entry.package:
        return say(lang, "dir_entry_both_one" if entry.packages == 2 else "dir_entry_both",
                   name=name, count=entry.packages - 1)
    return say(lang, "dir_entry_packages", name=name, count=entry.packages)
