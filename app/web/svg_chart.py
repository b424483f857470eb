"""DOT drawn as an SVG on the server by Graphviz's `dot`, once per text (cached), and shown as
HTML (st.markdown); without `dot` on the PATH, st.graphviz_chart draws it in the browser
instead. The browser route costs a cold page Graphviz's 0.8 MB script and a WebAssembly layout
(the map's first load kept the browser's main thread busy 0.7 s longer, bench/RESULTS.md);
`dot` lays the map out in ~20 ms, once."""

from __future__ import annotations

import re
import shutil
import subprocess

import streamlit as st

DOT_SECONDS = 10  # a layout that takes longer is drawn by the browser instead
CLASS = "kubeatlas-svg-chart"
_SIZE = re.compile(r'<svg width="[0-9.]+pt" height="[0-9.]+pt"')
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)  # the XML declaration, DOCTYPE and comments


def dot_binary() -> str | None:
    """Graphviz's `dot` on the PATH, if installed."""
    return shutil.which("dot")


def render(dot_text: str, binary: str) -> str | None:
    """The SVG `binary` (Graphviz's `dot`) draws for `dot_text`, scaled to the page's width;
    None when it fails or takes longer than DOT_SECONDS."""
    try:
        done = subprocess.run([binary, "-Tsvg"], input=dot_text.encode(), capture_output=True,
                              timeout=DOT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    svg = _PROLOGUE.sub("", done.stdout.decode("utf-8", "replace"), count=1)
    return _SIZE.sub('<svg width="100%"', svg, count=1).replace("\n", " ")


@st.cache_data(show_spinner=False, max_entries=64)
def _rendered(dot_text: str, binary: str) -> str | None:
    return render(dot_text, binary)


def show(dot_text: str, container: object = st) -> None:
    """Draw `dot_text` in `container` (the page, a column or an expander)."""
    binary = dot_binary()
    svg = _rendered(dot_text, binary) if binary else None
    if svg is None:
        container.graphviz_chart(dot_text, width="stretch")  # type: ignore[attr-defined]
        return
    # Markdown's raw HTML, not st.html: st.html's sanitiser drops SVG; one line, so that no
    # blank line ends the HTML block
    container.markdown(f'<div class="{CLASS}">{svg}</div>',  # type: ignore[attr-defined]
                       unsafe_allow_html=True)
