"""Entry of the Streamlit app (`kubeatlas web`, or `streamlit run app/web/main.py`): page setup,
the index check shared by every page, and the navigation between pages."""

from __future__ import annotations

import sys
from pathlib import Path

try:  # installed (wheel or editable), or run from a checkout with kubeatlas/ on the path
    import kubeatlas  # noqa: F401
except ImportError:  # `streamlit run app/web/main.py` from a checkout puts only app/web on it
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import streamlit as st

from kubeatlas.app.web import language, nav, search_box, sources, state

# no traceback (or server path) shown, however the app is started; the Deploy button and the
# developer menu are hidden by `kubeatlas web` (client.toolbarMode=viewer: a start-up option)
st.set_option("client.showErrorDetails", "none")
st.set_page_config(page_title="kubeatlas", page_icon=":material/map:", layout="wide")
lang = language.switch()  # first: the navigation and every page's words follow it
page = st.navigation(nav.pages(lang))
language.warn_refused("note" if page.url_path == nav.url_path(nav.NOTES) else "page")
sources.selector()
state.sidebar(state.atlas())
search_box.sidebar(state.atlas())
page.run()
