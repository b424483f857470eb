"""Go source on a page: highlighted on the server (Pygments) and drawn as HTML (st.html), with
line numbers that are not copied with the code. st.code would do the same in the browser, but
only after loading a 1.5 MB highlighter: on a cold page that was the last thing drawn (about
0.4 s after the text)."""

from __future__ import annotations

from functools import cache

import streamlit as st
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import GoLexer

CSS_CLASS = "kubeatlas-source"
_BOX = ("background: #f8f9fb; border: 1px solid #e6e9ef; border-radius: 0.5rem; "
        "padding: 0.75rem 1rem; margin: 0; overflow-x: auto; font-size: 0.85rem; "
        "line-height: 1.45; color: #1f2328; white-space: pre; tab-size: 4; "
        "font-family: 'Source Code Pro', SFMono-Regular, Menlo, Consolas, monospace;")


@cache
def _style() -> str:
    # the token colours only: Pygments' unscoped rules (`pre`, `span.linenos`) would reach
    # every other element of the page
    rules = "\n".join(line for line in HtmlFormatter(style="default").get_style_defs(
        f".{CSS_CLASS}").splitlines() if line.startswith(f".{CSS_CLASS} ."))
    return (f"<style>{rules}\n.{CSS_CLASS} pre {{{_BOX}}}\n"
            f".{CSS_CLASS} .linenos {{color: #9aa0a6; padding-right: 1.2em; user-select: none;}}"
            "</style>")


def to_html(text: str, first_line: int = 1, line_numbers: bool = True) -> str:
    """`text` as highlighted HTML (Pygments escapes it), lines numbered from `first_line`."""
    formatter = HtmlFormatter(cssclass=CSS_CLASS, nobackground=True, wrapcode=True,
                              linenos="inline" if line_numbers else False,
                              linenostart=first_line)
    return highlight(text, GoLexer(), formatter)


def show(text: str, first_line: int = 1, line_numbers: bool = True) -> None:
    st.html(_style() + to_html(text, first_line, line_numbers))
