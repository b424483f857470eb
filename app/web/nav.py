"""The app's pages: their scripts, titles (in the language chosen) and URL paths, grouped as the
sidebar shows them."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web.words import say

ARCHITECTURE = "views/architecture.py"
ROLE = "views/role.py"
PACKAGE = "views/package.py"
DEPS = "views/deps.py"
INTERFACES = "views/interfaces.py"
KINDS = "views/kinds.py"
CONSOLE = "views/console.py"
NOTES = "views/notes.py"
SEARCH = "views/search.py"
CODE = "views/code.py"
COMPARE = "views/compare.py"
MINI = "views/mini.py"

# (section, ((script, title, URL path, icon), ...)): the titles are app/web/words.py's keys
SECTIONS = (
    ("nav_architecture", ((ARCHITECTURE, "page_architecture", "architecture", ":material/map:"),
                          (ROLE, "page_role", "role", ":material/hub:"),
                          (PACKAGE, "page_package", "package", ":material/inventory_2:"),
                          (CODE, "page_code", "code", ":material/code:"),
                          (SEARCH, "page_search", "search", ":material/search:"))),
    ("nav_questions", ((DEPS, "page_deps", "deps", ":material/route:"),
                       (INTERFACES, "page_interfaces", "interfaces", ":material/power:"),
                       (KINDS, "ch_kinds", "kinds", ":material/description:"),
                       (COMPARE, "page_compare", "compare", ":material/compare_arrows:"))),
    ("nav_tools", ((CONSOLE, "page_console", "console", ":material/terminal:"),
                   (NOTES, "page_notes", "notes", ":material/edit_note:"),
                   (MINI, "page_mini", "mini", ":material/deployed_code:"))),
)


HOME = "home"  # the URL path reserved by the hidden page at the app root


def pages(lang: str = "en") -> dict[str, list[st.Page]]:
    """The navigation's sections and pages, named in `lang`. Every page is served at its own
    address: Streamlit serves its default page at the root only (/architecture was "Page not
    found" before the map), so the map is an ordinary page at /architecture and the root a
    hidden page that switches to it (keeping the query: `?lang=zh`)."""
    sections = {say(lang, section): [st.Page(path, title=say(lang, title), url_path=url, icon=icon)
                                     for path, title, url, icon in entries]
                for section, entries in SECTIONS}
    first = next(iter(sections.values()))
    architecture = first[0]
    first.append(st.Page(lambda: st.switch_page(architecture, query_params=st.query_params.to_dict()),
                         title=architecture.title,
                         url_path=HOME, icon=":material/map:", default=True, visibility="hidden"))
    return sections


def url_path(script: str) -> str:
    """The URL path of the page drawn by `script` (views/notes.py -> notes)."""
    return next(url for _, entries in SECTIONS for path, _, url, _ in entries if path == script)
