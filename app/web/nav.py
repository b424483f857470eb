"""The app's pages: their scripts, titles and URL paths, grouped as the sidebar shows them."""

from __future__ import annotations

import streamlit as st

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

SECTIONS = (
    ("Architecture", ((ARCHITECTURE, "Architecture map", "architecture", ":material/map:"),
                      (ROLE, "Role", "role", ":material/hub:"),
                      (PACKAGE, "Package", "package", ":material/inventory_2:"),
                      (CODE, "Type or function", "code", ":material/code:"),
                      (SEARCH, "Search", "search", ":material/search:"))),
    ("Questions", ((DEPS, "Dependencies & paths", "deps", ":material/route:"),
                   (INTERFACES, "Interfaces", "interfaces", ":material/power:"),
                   (KINDS, "API kinds", "kinds", ":material/description:"),
                   (COMPARE, "Compare releases", "compare", ":material/compare_arrows:"))),
    ("Tools", ((CONSOLE, "Query console", "console", ":material/terminal:"),
               (NOTES, "Study notes", "notes", ":material/edit_note:"),
               (MINI, "Mini cluster", "mini", ":material/deployed_code:"))),
)


def pages() -> dict[str, list[st.Page]]:
    return {section: [st.Page(path, title=title, url_path=url, icon=icon,
                              default=path == ARCHITECTURE)
                      for path, title, url, icon in entries]
            for section, entries in SECTIONS}
